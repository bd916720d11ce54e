/**
 * The field manager: keeps `metadata.managedFields` on every write (operation `Update` for
 * create/update/patch, `Apply` for server-side apply) and performs server-side apply with
 * conflict detection, as the apiserver's fieldmanager over structured-merge-diff does.
 */
import type { JsonSchema } from './istio-crds';
import {
  compare,
  fieldSetOf,
  fromFieldsV1,
  pathString,
  removePaths,
  toFieldsV1,
  typedMerge,
  type FieldSet,
  type ManagedFieldsEntry,
} from './managed-fields';
import { ApiError, status } from './status';

type Obj = Record<string, unknown>;

export interface FieldManagerScope {
  schema: JsonSchema | undefined;
  /** apiVersion of the request (`networking.istio.io/v1beta1`). */
  apiVersion: string;
  /** `status` for writes to the status subresource (only status is tracked), else undefined. */
  subresource?: string;
  /** The kind has a status subresource: main-resource writes do not track status. */
  statusSubresource: boolean;
  /** RFC 3339 time of the write. */
  now: string;
}

interface Managed {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1' | 'fieldsType'>;
  set: FieldSet;
}

const keyOf = (e: { manager: string; operation: string; apiVersion: string; subresource?: string }) =>
  JSON.stringify({ manager: e.manager, operation: e.operation, apiVersion: e.operation === 'Update' ? e.apiVersion : undefined, subresource: e.subresource || undefined });

function decode(list: unknown): Map<string, Managed> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out = new Map<string, Managed>();
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') return undefined;
    const e = raw as ManagedFieldsEntry;
    if (typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) return undefined;
    const entry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion ?? '', time: e.time, subresource: e.subresource };
    out.set(keyOf(entry), { entry, set: fromFieldsV1(e.fieldsV1) });
  }
  return out;
}

function encode(managers: Map<string, Managed>): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => m.set.size > 0);
  list.sort((p, q) => {
    const a = p.entry;
    const b = q.entry;
    if (a.operation !== b.operation) return a.operation < b.operation ? -1 : 1;
    const ta = a.time ? Date.parse(a.time) : 0;
    const tb = b.time ? Date.parse(b.time) : 0;
    if (ta !== tb) return ta - tb;
    if (a.manager !== b.manager) return a.manager < b.manager ? -1 : 1;
    if (a.apiVersion !== b.apiVersion) return a.apiVersion < b.apiVersion ? -1 : 1;
    return (a.subresource ?? '') < (b.subresource ?? '') ? -1 : 1;
  });
  return list.map((m) => {
    const e: Partial<ManagedFieldsEntry> = { manager: m.entry.manager, operation: m.entry.operation, apiVersion: m.entry.apiVersion };
    if (m.entry.time) e.time = m.entry.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = toFieldsV1(m.set);
    if (m.entry.subresource) e.subresource = m.entry.subresource;
    return e as ManagedFieldsEntry;
  });
}

const meta = (o: Obj | undefined) => (o?.['metadata'] ?? {}) as Obj;
const minus = (a: FieldSet, b: FieldSet) => {
  for (const p of b) a.delete(p);
};
const filterOpts = (s: FieldManagerScope) => (s.subresource === 'status' ? { onlyStatus: true } : s.statusSubresource ? { dropStatus: true } : {});

/**
 * Records an Update by `manager` that turns `live` (undefined on create) into `next`; sets
 * `next.metadata.managedFields`. Explicit managedFields in `next` replace the live ones (`[]` resets).
 */
export function trackUpdate(live: Obj | undefined, next: Obj, manager: string, scope: FieldManagerScope): void {
  const nm = meta(next);
  let managers: Map<string, Managed>;
  const given = nm['managedFields'];
  if (Array.isArray(given) && given.length === 0) managers = new Map(); // an explicit [] resets ownership
  else managers = (Array.isArray(given) && given.length > 0 ? decode(given) : undefined) ?? decode(meta(live)['managedFields']) ?? new Map();
  const cmp = compare(live ?? {}, next, scope.schema, filterOpts(scope));
  const changed = new Set([...cmp.modified, ...cmp.added]);
  const me = { manager, operation: 'Update' as const, apiVersion: scope.apiVersion, subresource: scope.subresource };
  const myKey = keyOf(me);
  for (const [k, m] of managers) {
    if (k === myKey) continue;
    minus(m.set, changed);
    minus(m.set, cmp.removed);
  }
  if (changed.size > 0 || cmp.removed.size > 0) {
    // A write that changes nothing leaves ownership (and its timestamps) alone, so a no-op
    // update stays a no-op in the store.
    const mine = managers.get(myKey)?.set ?? new Set<string>();
    minus(mine, cmp.removed);
    for (const p of changed) mine.add(p);
    managers.set(myKey, { entry: { ...me, time: scope.now }, set: mine });
  }
  setManaged(next, encode(managers));
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when the object does not exist).
 * Returns the merged object carrying the new managedFields. Throws a 409 apply conflict unless `force`.
 */
export function serverSideApply(live: Obj | undefined, config: Obj, manager: string, force: boolean, scope: FieldManagerScope): Obj {
  const base: Obj = live ? structuredClone(live) : {};
  const managers = decode(meta(live)['managedFields']) ?? new Map<string, Managed>();
  const me = { manager, operation: 'Apply' as const, apiVersion: scope.apiVersion, subresource: scope.subresource };
  const myKey = keyOf(me);
  const configSet = fieldSetOf(config, scope.schema, filterOpts(scope));
  const lastSet = managers.get(myKey)?.set ?? new Set<string>();
  const merged = typedMerge(base, config, scope.schema) as Obj;
  dropNulls(merged);
  // Prune what this manager applied before, no longer applies, and nobody else owns.
  const prune: string[] = [];
  for (const p of lastSet) {
    if (configSet.has(p)) continue;
    let ownedElsewhere = false;
    for (const [k, m] of managers) if (k !== myKey && m.set.has(p)) ownedElsewhere = true;
    if (!ownedElsewhere) prune.push(p);
  }
  removePaths(merged, prune, scope.schema);
  const cmp = compare(live ?? {}, merged, scope.schema, filterOpts(scope));
  const changed = new Set([...cmp.modified, ...cmp.added]);
  const conflicts: Array<{ manager: string; path: string }> = [];
  for (const [k, m] of managers) {
    if (k === myKey) continue;
    for (const p of m.set) if (changed.has(p)) conflicts.push({ manager: k, path: p });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const [k, m] of managers) {
    if (k === myKey) continue;
    if (force) minus(m.set, changed);
    minus(m.set, cmp.removed);
  }
  const prev = managers.get(myKey);
  const sameSet = prev !== undefined && prev.set.size === configSet.size && [...configSet].every((p) => prev.set.has(p));
  const noop = changed.size === 0 && cmp.removed.size === 0 && sameSet;
  managers.set(myKey, { entry: { ...me, time: noop ? prev!.entry.time : scope.now }, set: configSet });
  setManaged(merged, encode(managers));
  return merged;
}

function setManaged(o: Obj, entries: ManagedFieldsEntry[]): void {
  const m = (o['metadata'] ??= {}) as Obj;
  if (entries.length) m['managedFields'] = entries;
  else delete m['managedFields'];
}

function dropNulls(v: unknown): void {
  if (Array.isArray(v)) v.forEach(dropNulls);
  else if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      if (c === null) delete (v as Obj)[k];
      else dropNulls(c);
    }
  }
}

function printManager(key: string): string {
  const e = JSON.parse(key) as { manager: string; operation: string; apiVersion?: string };
  return e.operation === 'Update' ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`;
}

/** The 409 apply conflict, worded as the apiserver's fieldmanager does. */
function conflictError(conflicts: Array<{ manager: string; path: string }>): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) by.set(c.manager, [...(by.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...by.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of by.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(status(409, 'Conflict', message, { causes }));
}
