/**
 * A structural diff between two versions of a resource, as a list of changes a person can read:
 * `spec.http[2].route[0].weight: 80 → 50`.
 *
 * - Objects are compared key by key; lists keyed by name (see `list-identity.ts`) element by
 *   name, so an inserted or moved route shows as one `add` or one `reorder`, not as a change of
 *   every route after it; other lists element by index (extra elements are `add`/`remove`).
 * - Server-managed fields (`metadata.resourceVersion`, `managedFields`, `uid`, `creationTimestamp`,
 *   `generation`, `selfLink`, `status`) are left out unless `ignore` says otherwise.
 * - Fields nobody knows are compared like any other: nothing is dropped.
 *
 * @example
 * diff(base, draft)
 * // [{ op: 'replace', display: 'spec.http[2].route[0].weight', before: 80, after: 50, … }]
 */
import { deepEqual, isObject } from './json';
import { keyedLists } from './list-identity';
import { toDisplay, toPointer, type Path } from './path';
import { isServerManaged, SERVER_MANAGED_PATHS } from './server-fields';

export type ChangeOp = 'add' | 'remove' | 'replace' | 'reorder';

export interface Change {
  op: ChangeOp;
  /**
   * Where, as segments: in `after` for `add`, `replace` and `reorder`; in `before` for `remove`
   * (the element is gone from `after`).
   */
  path: Path;
  /** RFC 6901 pointer of `path`: `/spec/http/2/route/0/weight`. */
  pointer: string;
  /** Kubernetes field path of `path`: `spec.http[2].route[0].weight`. */
  display: string;
  /** Absent for `add`. For `reorder`, the element names in their old order. */
  before?: unknown;
  /** Absent for `remove`. For `reorder`, the element names in their new order. */
  after?: unknown;
}

export interface DiffOptions {
  /** Paths (and everything under them) to leave out. Default: `SERVER_MANAGED_PATHS`; `[]` compares everything. */
  ignore?: readonly Path[];
}

/** The changes that turn `before` into `after`, in document order. */
export function diff(before: unknown, after: unknown, opts: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  walk(before, after, [], [], opts.ignore ?? SERVER_MANAGED_PATHS, out);
  return out;
}

function change(op: ChangeOp, path: Path, before: unknown, after: unknown): Change {
  const c: Change = { op, path, pointer: toPointer(path), display: toDisplay(path) };
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return c;
}

function walk(a: unknown, b: unknown, pathA: Path, pathB: Path, ignore: readonly Path[], out: Change[]): void {
  if (isServerManaged(pathB, ignore) || isServerManaged(pathA, ignore)) return;
  if (deepEqual(a, b)) return;
  if (a === undefined) {
    out.push(change('add', pathB, undefined, b));
    return;
  }
  if (b === undefined) {
    out.push(change('remove', pathA, a, undefined));
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) walk(a[k], b[k], [...pathA, k], [...pathB, k], ignore, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyed = keyedLists(a, b);
    if (keyed) return walkKeyed(a, b, keyed[0]!, keyed[1]!, pathA, pathB, ignore, out);
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) walk(a[i], b[i], [...pathA, i], [...pathB, i], ignore, out);
    for (let i = common; i < a.length; i++) out.push(change('remove', [...pathA, i], a[i], undefined));
    for (let i = common; i < b.length; i++) out.push(change('add', [...pathB, i], undefined, b[i]));
    return;
  }
  out.push(change('replace', pathB, a, b));
}

function walkKeyed(a: unknown[], b: unknown[], namesA: string[], namesB: string[], pathA: Path, pathB: Path, ignore: readonly Path[], out: Change[]): void {
  const indexA = new Map(namesA.map((n, i) => [n, i]));
  const indexB = new Map(namesB.map((n, i) => [n, i]));
  const commonA = namesA.filter((n) => indexB.has(n));
  const commonB = namesB.filter((n) => indexA.has(n));
  if (!deepEqual(commonA, commonB)) out.push(change('reorder', pathB, commonA, commonB));
  namesA.forEach((n, i) => {
    if (!indexB.has(n)) out.push(change('remove', [...pathA, i], a[i], undefined));
  });
  namesB.forEach((n, j) => {
    const i = indexA.get(n);
    if (i === undefined) out.push(change('add', [...pathB, j], undefined, b[j]));
    else walk(a[i], b[j], [...pathA, i], [...pathB, j], ignore, out);
  });
}
