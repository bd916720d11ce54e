/**
 * Paths into a resource, in the three spellings the edit pipeline needs:
 *
 * - `Path`: segments, `['spec', 'http', 0, 'route', 1, 'weight']` (what code uses);
 * - pointer: RFC 6901, `/spec/http/0/route/1/weight` (stable keys for form fields, JSON patch);
 * - display: Kubernetes' field path, `spec.http[0].route[1].weight` — what the API server puts in
 *   a 422 cause's `field`, and what `lib/analysis` findings carry in `path`. Map keys that are not
 *   identifiers print as `metadata.labels[app.kubernetes.io/name]` (apimachinery's `field.Path.Key`).
 *
 * Reads and writes are immutable: `setAt` copies only the objects along the path.
 */
import { isObject, type JsonObject } from './json';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec', 'http', 0, 'route']` → `/spec/http/0/route`. */
export function toPointer(path: Path): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * `/spec/http/0/route` → `['spec', 'http', 0, 'route']`. Digit-only segments become numbers (list
 * indices); pass `obj` to keep them as strings where the value there is an object (a map key "0").
 */
export function fromPointer(pointer: string, obj?: unknown): Path {
  if (pointer === '' || pointer === '/') return [];
  const raw = pointer.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return typeSegments(raw.map((s) => ({ s, bracket: true })), obj);
}

/** `['spec', 'http', 0, 'route', 1, 'weight']` → `spec.http[0].route[1].weight`. */
export function toDisplay(path: Path): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out ? `.${s}` : s;
    else out += `[${s}]`;
  }
  return out;
}

/**
 * `spec.http[0].route[1].weight` → `['spec', 'http', 0, 'route', 1, 'weight']`;
 * `metadata.labels[app.kubernetes.io/name]` → `['metadata', 'labels', 'app.kubernetes.io/name']`.
 * Returns undefined for what is not a field path (`<nil>`, empty). With `obj`, a bracketed number
 * under an object (not a list) stays a string key.
 */
export function fromDisplay(display: string, obj?: unknown): Path | undefined {
  const text = display.trim();
  if (!text || text === '<nil>') return undefined;
  const segs: Array<{ s: string; bracket: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = text.indexOf(']', i);
      if (end === -1) return undefined;
      segs.push({ s: text.slice(i + 1, end), bracket: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    segs.push({ s: text.slice(i, j), bracket: false });
    i = j;
  }
  return typeSegments(segs, obj);
}

/** Digit-only segments (every pointer segment, bracketed display ones) are list indices unless `obj` shows a map there. */
function typeSegments(segs: Array<{ s: string; bracket: boolean }>, obj: unknown): Path {
  const out: PathSegment[] = [];
  let cur: unknown = obj;
  for (const { s, bracket } of segs) {
    const seg: PathSegment = bracket && /^(0|[1-9][0-9]*)$/.test(s) && !isObject(cur) ? Number(s) : s;
    out.push(seg);
    cur = cur === undefined ? undefined : step(cur, seg);
  }
  return out;
}

function step(v: unknown, seg: PathSegment): unknown {
  if (Array.isArray(v) && typeof seg === 'number') return v[seg];
  if (isObject(v)) return v[String(seg)];
  return undefined;
}

/** The value at `path`, or undefined when any step is missing. */
export function getAt(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const seg of path) {
    cur = step(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * A copy of `obj` with `value` at `path` (undefined removes the key or list element). Missing
 * parents are created: an object, or a list when the next segment is a number. Only the objects
 * along the path are copied; everything else (including fields no form knows) is shared as is.
 */
export function setAt<T>(obj: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === 'number') {
    const list = Array.isArray(obj) ? [...(obj as unknown[])] : [];
    const next = setAt(list[head], rest, value);
    if (next === undefined && rest.length === 0) list.splice(head, 1);
    else {
      while (list.length < head) list.push(null);
      list[head] = next;
    }
    return list as T;
  }
  const o: JsonObject = isObject(obj) ? { ...obj } : {};
  const child = o[head] !== undefined ? o[head] : typeof rest[0] === 'number' ? [] : undefined;
  const next = setAt(child, rest, value);
  if (next === undefined) delete o[head];
  else o[head] = next;
  return o as T;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: Path, path: Path): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => s === path[i]);
}
