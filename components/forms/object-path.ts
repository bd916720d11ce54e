/**
 * Field paths over raw Kubernetes objects, and immutable edits along them.
 *
 * The forms edit the object itself (never a separate form model), so every field the form does
 * not know — a rarely used sub-object, an annotation, a field of a newer Istio — stays in place
 * on the round trip. A path is a list of segments: an object property (`'spec'`), an array index
 * (`0`) or a key of a string map (`{ key: 'x-user' }`, printed in brackets as the API server and
 * lib/analysis print it: `spec.http[0].match[0].headers[x-user].exact`).
 */

export type Segment = string | number | { key: string };
export type Path = readonly Segment[];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const keyOf = (s: Segment): string | number => (typeof s === 'object' ? s.key : s);

/** `spec.http[0].route[1].weight`, `spec.selector[istio]` (the API server's field path syntax). */
export function pathString(path: Path): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'object') out += `[${s.key}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function getIn(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[keyOf(s)];
  }
  return cur;
}

/**
 * A copy of `root` with `value` at `path` (structural sharing: only the objects along the path
 * are copied). `undefined` deletes the property (an array element is removed), and objects left
 * empty by a deletion are removed too, so clearing the last field of `uri` drops `uri: {}`
 * instead of leaving an empty (and invalid) match. Array elements are never pruned.
 */
export function setIn<T>(root: T, path: Path, value: unknown, depth = 0): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const k = keyOf(head!);
  const container: unknown = root ?? (typeof k === 'number' ? [] : {});
  if (Array.isArray(container)) {
    const i = Number(k);
    const copy = container.slice();
    const next = rest.length ? setIn(copy[i], rest, value, depth + 1) : value;
    if (next === undefined) copy.splice(i, 1);
    else copy[i] = next;
    return copy as T;
  }
  const obj = isObj(container) ? container : {};
  const next = rest.length ? setIn(obj[k as string], rest, value, depth + 1) : value;
  const copy: Json = { ...obj };
  // `spec` and `metadata` (depth 0) stay even when emptied.
  const prune = depth > 0 && rest.length > 0 && value === undefined && isObj(next) && Object.keys(next).length === 0;
  if (next === undefined || prune) {
    delete copy[k as string];
  } else {
    copy[k as string] = next;
  }
  return copy as T;
}

/** Moves the array element at `path` + `from` to index `to` (both clamped). */
export function moveIn<T>(root: T, path: Path, from: number, to: number): T {
  const list = getIn(root, path);
  if (!Array.isArray(list)) return root;
  const t = Math.max(0, Math.min(list.length - 1, to));
  if (from === t || from < 0 || from >= list.length) return root;
  const copy = list.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(t, 0, item);
  return setIn(root, path, copy);
}

/** Renames the key of a string map at `path` keeping its position (label and header editors). */
export function renameKey<T>(root: T, path: Path, from: string, to: string): T {
  const map = getIn(root, path);
  if (!isObj(map) || from === to) return root;
  const out: Json = {};
  for (const [k, v] of Object.entries(map)) out[k === from ? to : k] = v;
  return setIn(root, path, out);
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Parses a field path string back into display segments, for finding the closest field on the
 * page: `spec.http[0].match[0].headers[x-user]` → `['spec','http',0,'match',0,'headers',{key:'x-user'}]`.
 */
export function parsePath(s: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const m of s.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (/^\d+$/.test(m[2]!)) out.push(Number(m[2]));
    else out.push({ key: m[2]! });
  }
  return out;
}

/** The path strings from `s` up to the root: `a.b[0].c`, `a.b[0]`, `a.b`, `a`. */
export function ancestors(s: string): string[] {
  const segs = parsePath(s);
  const out: string[] = [];
  for (let n = segs.length; n > 0; n--) out.push(pathString(segs.slice(0, n)));
  return out;
}
