'use client';
/**
 * Delete behind a confirmation that names the object. The delete carries the resourceVersion the
 * user saw, so a change made meanwhile by someone else makes it fail instead of deleting what
 * nobody reviewed.
 */
import { ApiError, deleteObject } from '@/components/data/api';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { EditablePlural, KubeObject } from './kinds';
import { KINDS } from './kinds';

export function DeleteDialog({ plural, object, onClose, onDeleted }: { plural: EditablePlural; object: KubeObject; onClose(): void; onDeleted?(): void }) {
  const { namespace = '', name, resourceVersion = '' } = object.metadata;
  const kind = KINDS[plural].kind;
  return (
    <ConfirmDialog
      testId="delete-dialog"
      title={
        <>
          Delete {kind} <span className="font-mono">{namespace}/{name}</span>?
        </>
      }
      note={`Deletes resourceVersion ${resourceVersion} only: if it changed since, nothing is deleted.`}
      confirmLabel={`Delete ${name}`}
      busyLabel="Deleting…"
      onConfirm={async () => {
        await deleteObject(plural, namespace, name, resourceVersion);
        onDeleted?.();
      }}
      describeError={(e) =>
        (e as ApiError).status === 409
          ? `${kind} ${namespace}/${name} changed on the server since you looked at it (resourceVersion ${resourceVersion}). Close, review it, and delete again.`
          : (e as Error).message
      }
      onClose={onClose}
    >
      The {kind} is removed from the cluster; traffic it routes stops being routed that way as soon as the gateways get the new configuration. This cannot be undone from gatescope (its YAML is not kept).
    </ConfirmDialog>
  );
}
