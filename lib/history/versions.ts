/**
 * The change history of the ingress configuration (Gateways, VirtualServices, DestinationRules):
 * what one recorded version looks like, who made it (from `metadata.managedFields`), what changed
 * since the version before, and the draft that puts an object back to an earlier version.
 */
import { diff, type Change } from '../editing/diff';
import { isObject } from '../editing/json';

export const HISTORY_PLURALS = ['gateways', 'virtualservices', 'destinationrules'] as const;
export type HistoryPlural = (typeof HISTORY_PLURALS)[number];

/**
 * How the console came to see the version: `listed` (present when the console started, or after
 * a relist), `created`, `updated`, `deleted`.
 */
export type HistoryEvent = 'listed' | 'created' | 'updated' | 'deleted';

/** One recorded version, without the object (what the timeline shows). */
export interface HistorySummary {
  /** Grows with every recorded version. */
  seq: number;
  plural: HistoryPlural;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  event: HistoryEvent;
  /** When the console saw it (ISO 8601). */
  observedAt: string;
  /** The field manager of the newest managedFields entry (`kubectl-edit`, `gatescope`, …). */
  fieldManager?: string;
  /** Its operation: `Update` or `Apply`. */
  operation?: string;
  /** Its time (ISO 8601), the closest thing to "when it changed" the API server records. */
  changedAt?: string;
  /** Changes since the previous recorded version of the same object (empty for the first one). */
  changes: Change[];
}

/** A recorded version with the object as it was. */
export interface HistoryVersion extends HistorySummary {
  object: Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; namespace?: string } };
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  time?: string;
  subresource?: string;
}

/**
 * The entry of `metadata.managedFields` that made the newest change: the latest `time` (entries
 * of a `status` subresource are skipped; on a tie, the later entry in the list wins).
 *
 * @example latestFieldManager([{ manager: 'kubectl-client-side-apply', time: '2026-01-01T00:00:00Z' }, { manager: 'kubectl-edit', time: '2026-01-02T00:00:00Z' }])
 * // { manager: 'kubectl-edit', time: '2026-01-02T00:00:00Z' }
 */
export function latestFieldManager(managedFields: unknown): { manager: string; operation?: string; time?: string } | undefined {
  if (!Array.isArray(managedFields)) return undefined;
  let best: ManagedFieldsEntry | undefined;
  for (const e of managedFields as ManagedFieldsEntry[]) {
    if (!e || typeof e.manager !== 'string' || e.subresource === 'status') continue;
    if (!best || (e.time ?? '') >= (best.time ?? '')) best = e;
  }
  if (!best?.manager) return undefined;
  const out: { manager: string; operation?: string; time?: string } = { manager: best.manager };
  if (best.operation) out.operation = best.operation;
  if (best.time) out.time = best.time;
  return out;
}

/** The object as the history keeps it: without managedFields (large, and shown as `fieldManager`). */
export function historyObject<T extends { metadata: Record<string, unknown> }>(obj: T): T {
  const { managedFields: _managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata } as T;
}

/** What changed from one recorded version to the next (server-managed fields left out). */
export function versionChanges(before: unknown, after: unknown): Change[] {
  if (before === undefined || after === undefined) return [];
  return diff(before, after);
}

const KEPT_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The draft that reverts `live` to `target`: the target's `spec`, labels and annotations on the
 * live object's identity (its resourceVersion is the precondition of the update). kubectl's
 * last-applied annotation stays as it is live, so a later `kubectl apply` still computes its
 * three-way merge from what was last applied.
 */
export function revertDraft<T extends { metadata: Record<string, unknown>; spec?: unknown }>(live: T, target: { metadata: Record<string, unknown>; spec?: unknown }): T {
  const labels = isObject(target.metadata['labels']) ? { ...target.metadata['labels'] } : undefined;
  const annotations: Record<string, unknown> = isObject(target.metadata['annotations']) ? { ...target.metadata['annotations'] } : {};
  delete annotations[KEPT_ANNOTATION];
  const liveAnn = isObject(live.metadata['annotations']) ? live.metadata['annotations'] : {};
  if (liveAnn[KEPT_ANNOTATION] !== undefined) annotations[KEPT_ANNOTATION] = liveAnn[KEPT_ANNOTATION];
  const metadata: Record<string, unknown> = { ...live.metadata };
  if (labels) metadata['labels'] = labels;
  else delete metadata['labels'];
  if (Object.keys(annotations).length) metadata['annotations'] = annotations;
  else delete metadata['annotations'];
  const out = { ...live, metadata } as T;
  if (target.spec === undefined) delete out.spec;
  else out.spec = structuredClone(target.spec);
  return out;
}

/** `namespace/name` of an entry. */
export const entryKey = (e: Pick<HistorySummary, 'plural' | 'namespace' | 'name'>) => `${e.plural}/${e.namespace}/${e.name}`;
