/**
 * Fields the API server owns. The diff hides them, the rebase takes them from the live object,
 * and request bodies are built without the ones the server would reject or misread.
 */
import { clone, isObject, type JsonObject } from './json';
import { getAt, isPrefix, setAt, type Path } from './path';

/** `metadata.resourceVersion`, `managedFields`, `uid`, `creationTimestamp`, `generation`, `selfLink`, and `status`. */
export const SERVER_MANAGED_PATHS: readonly Path[] = [
  ['metadata', 'resourceVersion'],
  ['metadata', 'managedFields'],
  ['metadata', 'uid'],
  ['metadata', 'creationTimestamp'],
  ['metadata', 'generation'],
  ['metadata', 'selfLink'],
  ['status'],
];

export const isServerManaged = (path: Path, ignore: readonly Path[] = SERVER_MANAGED_PATHS): boolean =>
  ignore.some((p) => isPrefix(p, path));

/** A copy of `obj` without the server-managed fields (an emptied `metadata` is kept). */
export function withoutServerFields<T>(obj: T, paths: readonly Path[] = SERVER_MANAGED_PATHS): T {
  let out = clone(obj);
  for (const p of paths) if (getAt(out, p) !== undefined) out = setAt(out, p, undefined);
  return out;
}

/** `target` with the server-managed fields of `source` (those absent in `source` removed). */
export function withServerFieldsOf<T>(target: T, source: unknown, paths: readonly Path[] = SERVER_MANAGED_PATHS): T {
  let out = target;
  for (const p of paths) {
    const v = getAt(source, p);
    if (v !== undefined || getAt(out, p) !== undefined) out = setAt(out, p, v === undefined ? undefined : clone(v));
  }
  return out;
}

/** The resourceVersion of an object, if it has one. */
export function resourceVersionOf(obj: unknown): string | undefined {
  const m = isObject(obj) ? obj['metadata'] : undefined;
  const rv = isObject(m) ? (m as JsonObject)['resourceVersion'] : undefined;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}
