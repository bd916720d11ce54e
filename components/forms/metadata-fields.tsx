'use client';
/** Name and namespace: editable when creating; shown (not editable) for a stored object. */
import { useEditor } from './editor-context';
import { SelectField, TextField } from './fields';

export function MetadataFields() {
  const { draft, creating, cluster } = useEditor();
  if (!creating) {
    return (
      <div className="grid grid-cols-2 gap-3 text-sm" data-field="metadata">
        <div>
          <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Name</div>
          <div className="font-mono">{draft.metadata.name}</div>
        </div>
        <div>
          <div className="text-xs font-medium text-slate-600 dark:text-slate-400">Namespace</div>
          <div className="font-mono">{draft.metadata.namespace}</div>
        </div>
      </div>
    );
  }
  return (
    <div className="grid grid-cols-2 gap-3">
      <TextField path={['metadata', 'name']} label="Name" placeholder="my-gateway" mono />
      <SelectField path={['metadata', 'namespace']} label="Namespace" options={cluster.namespaces} unsetLabel={null} />
    </div>
  );
}
