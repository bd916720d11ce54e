/**
 * exportTo visibility: whether a VirtualService, DestinationRule or ServiceEntry applies in a
 * namespace (istiod's semantics), with Kiali's variant for validation views.
 *
 * An object with no `exportTo` takes the mesh default (`meshConfig.defaultVirtualServiceExportTo`
 * etc.; `*` when unset). It is visible from `namespace` when an entry is `*`, that namespace, or
 * `.` and the object lives there. Kiali additionally keeps objects exported to a namespace that
 * does not exist, so that the bad entry can be flagged (`keepUnknownNamespaces`).
 */
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL } from './support/hosts';
import { arr, nsOf, specOf } from './support/objects';
import type { KubeObject } from './types';

export interface ExportToOptions {
  /** The mesh default exportTo for objects without one (default `['*']`). */
  meshDefault?: readonly string[];
  /** Existing namespaces (needed for `keepUnknownNamespaces`). */
  namespaces?: readonly string[];
  /** Kiali's rule: an entry naming a namespace that does not exist makes the object visible. */
  keepUnknownNamespaces?: boolean;
}

export function isExportedTo(exportTo: readonly string[], objectNamespace: string, namespace: string, opts: ExportToOptions = {}): boolean {
  const list = exportTo.length ? exportTo : (opts.meshDefault ?? []);
  if (list.length === 0) return true;
  const known = new Set(opts.namespaces ?? []);
  return list.some(
    (e) =>
      e === EXPORT_TO_ALL ||
      e === namespace ||
      (e === EXPORT_TO_LOCAL && objectNamespace === namespace) ||
      (!!opts.keepUnknownNamespaces && e !== EXPORT_TO_LOCAL && e !== EXPORT_TO_ALL && !known.has(e)),
  );
}

/** The objects visible from `namespace`, in input order. */
export function visibleFrom<T extends KubeObject>(objects: readonly T[], namespace: string, opts: ExportToOptions = {}): T[] {
  return objects.filter((o) => isExportedTo(arr<string>(specOf(o).exportTo), nsOf(o), namespace, opts));
}
