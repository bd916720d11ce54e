/**
 * Reordering a VirtualService's routes (`spec.http`, `spec.tls`, `spec.tcp`): the first route
 * whose match applies wins, so order is meaning. Pure: a new object, the argument untouched;
 * every other field rides along.
 */
import { clone, isObject } from './json';

export type RouteKind = 'http' | 'tls' | 'tcp';

interface WithSpec {
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

/** The object with route `from` of `kind` moved to index `to` (the others keep their order). */
export function moveRoute<T extends WithSpec>(obj: T, kind: RouteKind, from: number, to: number): T {
  const routes = isObject(obj.spec) && Array.isArray(obj.spec[kind]) ? (obj.spec[kind] as unknown[]) : undefined;
  if (!routes || from < 0 || from >= routes.length || to < 0 || to >= routes.length) {
    throw new RangeError(`no ${kind} route ${from} → ${to} in a list of ${routes?.length ?? 0}`);
  }
  const next = routes.map((r) => clone(r));
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved);
  return { ...obj, spec: { ...obj.spec, [kind]: next } };
}
