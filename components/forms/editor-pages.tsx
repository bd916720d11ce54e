'use client';
/** The editor pages' client halves: route parameters in, a ResourceEditor out. */
import type { EditablePlural } from '@/components/resources/kinds';
import { ResourceEditor } from './resource-editor';

export function EditPage({ plural, namespace, name, created }: { plural: EditablePlural; namespace: string; name: string; created?: boolean }) {
  return <ResourceEditor key={`${plural}/${namespace}/${name}`} target={{ mode: 'edit', plural, namespace, name }} justCreated={created} />;
}

/** `from` is `namespace/name` of the object to clone; `namespace` the namespace of a new one. */
export function CreatePage({ plural, from, namespace }: { plural: EditablePlural; from?: string; namespace?: string }) {
  const [ns, name] = from?.includes('/') ? (from.split('/', 2) as [string, string]) : [undefined, undefined];
  const cloneFrom = ns && name ? { namespace: ns, name } : undefined;
  return <ResourceEditor key={`${plural}/new/${from ?? ''}`} target={{ mode: 'create', plural, namespace: namespace ?? ns, cloneFrom }} />;
}
