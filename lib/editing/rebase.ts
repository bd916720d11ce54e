/**
 * Three-way rebase of an edit onto the object as it is now on the server.
 *
 * `base` is the object the form opened, `draft` the user's edit of it ("mine"), `live` the
 * server's current object ("theirs", after someone else's write made our update fail with 409).
 * When the two edits touch different fields, the result is `live` with the user's changes on
 * top; when they touch the same field differently, the conflicts are returned with all three
 * values and nothing is merged (the caller keeps the draft; nothing is ever forced).
 *
 * The rule, field by field (`merge3`):
 * - mine equals theirs → that value (both made the same change, or neither changed it);
 * - only one side differs from base → that side's value (a removal counts as a change);
 * - both changed it differently → objects are merged key by key, lists as below; anything else
 *   (scalars, a type change, a removal against a modification) is a **conflict**.
 *
 * Lists:
 * - **keyed by name** (every element an object with a unique non-empty `name` in all three
 *   versions — `spec.http`, `tcp`, `tls`, `subsets`, `servers`; see `list-identity.ts`): elements
 *   are merged by name, so their positions do not matter. An element added by one side is kept
 *   (after its predecessor in that side's order); removed by one side and untouched by the other
 *   → removed; removed by one and modified by the other → conflict; added by both with different
 *   content → merged as above (conflicts where they differ). Order: if only one side reordered
 *   the elements both sides kept, its order wins (the other side's additions are inserted into
 *   it); if both reordered them differently, that is an `order` conflict on the list.
 * - **otherwise, by index**: when base, mine and theirs have the same length, element `i` is
 *   merged with element `i`; when one side changed the length and the other touched the list at
 *   all, that is a `list` conflict on the whole list (positions cannot be trusted once elements
 *   shifted).
 *
 * Server-managed fields (resourceVersion, managedFields, uid, creationTimestamp, generation,
 * selfLink, status) are not merged: the result carries `live`'s, so the update it leads to has the
 * live resourceVersion precondition. Every other field, known to the forms or not, is merged.
 */
import { diff, type Change } from './diff';
import { clone, deepEqual, isObject, type JsonObject } from './json';
import { keyedLists } from './list-identity';
import { toDisplay, toPointer, type Path } from './path';
import { withoutServerFields, withServerFieldsOf } from './server-fields';

export type ConflictKind =
  /** Both sides changed the value differently (or one removed what the other changed). */
  | 'value'
  /** Both sides reordered a name-keyed list differently; values are name lists. */
  | 'order'
  /** A list matched by index changed length on one side while the other side changed it too. */
  | 'list';

export interface Conflict {
  kind: ConflictKind;
  /** Where, in the draft's frame (list indices as in the draft; else as in live, else as in base). */
  path: Path;
  pointer: string;
  /** `spec.http[2].route[0].weight` */
  display: string;
  /** Each absent when the field is absent in that version. */
  base?: unknown;
  mine?: unknown;
  theirs?: unknown;
}

export type RebaseResult<T> =
  | {
      status: 'rebased';
      /** `live` with the draft's changes: carries live's resourceVersion and other server fields. */
      merged: T;
      /** What changed on the server since the form opened (base → live). */
      theirs: Change[];
      /** What applying `merged` will change on the server now (live → merged). */
      diff: Change[];
    }
  | {
      status: 'conflict';
      conflicts: Conflict[];
      theirs: Change[];
    };

/**
 * Rebases `draft` (an edit of `base`) onto `live`.
 *
 * @example
 * const r = rebase(base, draft, live);
 * if (r.status === 'rebased') put(r.merged);   // after the user confirmed r.diff
 * else showConflicts(r.conflicts);            // the draft stays as it is
 */
export function rebase<T>(base: T, draft: T, live: T): RebaseResult<T> {
  const conflicts: Conflict[] = [];
  const b = withoutServerFields(base);
  const m = withoutServerFields(draft);
  const t = withoutServerFields(live);
  const merged = merge3(b, m, t, [], conflicts);
  const theirs = diff(base, live);
  if (conflicts.length) return { status: 'conflict', conflicts, theirs };
  const result = withServerFieldsOf(merged, live) as T;
  return { status: 'rebased', merged: result, theirs, diff: diff(live, result) };
}

function conflict(kind: ConflictKind, path: Path, base: unknown, mine: unknown, theirs: unknown): Conflict {
  const c: Conflict = { kind, path, pointer: toPointer(path), display: toDisplay(path) };
  if (base !== undefined) c.base = clone(base);
  if (mine !== undefined) c.mine = clone(mine);
  if (theirs !== undefined) c.theirs = clone(theirs);
  return c;
}

/** The three-way merge of one value; `undefined` means absent. Records conflicts; its value is then meaningless. */
export function merge3(base: unknown, mine: unknown, theirs: unknown, path: Path, conflicts: Conflict[]): unknown {
  if (deepEqual(mine, theirs)) return clone(mine);
  if (deepEqual(base, mine)) return clone(theirs);
  if (deepEqual(base, theirs)) return clone(mine);
  if (isObject(mine) && isObject(theirs) && (base === undefined || isObject(base))) {
    return mergeObjects(base ?? {}, mine, theirs, path, conflicts);
  }
  if (Array.isArray(mine) && Array.isArray(theirs)) {
    const b = Array.isArray(base) ? base : base === undefined ? [] : undefined;
    if (b) return mergeLists(b, mine, theirs, path, conflicts);
  }
  conflicts.push(conflict('value', path, base, mine, theirs));
  return clone(mine);
}

function mergeObjects(base: JsonObject, mine: JsonObject, theirs: JsonObject, path: Path, conflicts: Conflict[]): JsonObject {
  const out: JsonObject = {};
  // Mine's key order first (the draft is what the user reads), then keys only theirs has.
  const keys = [...Object.keys(mine), ...Object.keys(theirs).filter((k) => !(k in mine)), ...Object.keys(base).filter((k) => !(k in mine) && !(k in theirs))];
  for (const k of keys) {
    const v = merge3(base[k], mine[k], theirs[k], [...path, k], conflicts);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function mergeLists(base: unknown[], mine: unknown[], theirs: unknown[], path: Path, conflicts: Conflict[]): unknown[] {
  const keyed = keyedLists(base, mine, theirs);
  if (keyed) return mergeKeyed(base, mine, theirs, keyed as [string[], string[], string[]], path, conflicts);
  if (base.length === mine.length && base.length === theirs.length) {
    return mine.map((_, i) => merge3(base[i], mine[i], theirs[i], [...path, i], conflicts));
  }
  conflicts.push(conflict('list', path, base, mine, theirs));
  return clone(mine);
}

function mergeKeyed(
  base: unknown[],
  mine: unknown[],
  theirs: unknown[],
  [bk, mk, tk]: [string[], string[], string[]],
  path: Path,
  conflicts: Conflict[],
): unknown[] {
  const byName = (list: unknown[], names: string[]) => new Map(names.map((n, i) => [n, { el: list[i], i }]));
  const B = byName(base, bk);
  const M = byName(mine, mk);
  const T = byName(theirs, tk);
  const union = [...mk, ...tk.filter((n) => !M.has(n)), ...bk.filter((n) => !M.has(n) && !T.has(n))];
  const merged = new Map<string, unknown>();
  for (const n of union) {
    const idx = M.get(n)?.i ?? T.get(n)?.i ?? B.get(n)!.i;
    const v = merge3(B.get(n)?.el, M.get(n)?.el, T.get(n)?.el, [...path, idx], conflicts);
    if (v !== undefined) merged.set(n, v);
  }

  // Order of the elements both sides kept from base: whoever changed it wins; both → conflict.
  const kept = (names: string[]) => names.filter((n) => B.has(n) && merged.has(n));
  const [baseOrder, mineOrder, theirsOrder] = [kept(bk), kept(mk), kept(tk)];
  let skeleton: string[];
  let others: string[];
  if (deepEqual(mineOrder, baseOrder)) {
    skeleton = tk.filter((n) => merged.has(n));
    others = mk;
  } else if (deepEqual(theirsOrder, baseOrder) || deepEqual(mineOrder, theirsOrder)) {
    skeleton = mk.filter((n) => merged.has(n));
    others = tk;
  } else {
    conflicts.push(conflict('order', path, bk, mk, tk));
    return clone(mine);
  }
  // The other side's additions go right after their predecessor in that side's order.
  const order = [...skeleton];
  others.forEach((n, i) => {
    if (!merged.has(n) || order.includes(n)) return;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const p = order.indexOf(others[j]!);
      if (p !== -1) {
        at = p + 1;
        break;
      }
    }
    order.splice(at, 0, n);
  });
  // Names merged but in neither skeleton nor others' additions (cannot happen) are appended, never lost.
  for (const n of merged.keys()) if (!order.includes(n)) order.push(n);
  return order.map((n) => merged.get(n));
}
