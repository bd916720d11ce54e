/**
 * Which lists are matched element by element by `name`, rather than by position.
 *
 * The rule (shared by the diff and the rebase): a list is **keyed by name** when every element is
 * an object with a non-empty string `name` and no two elements share one. Otherwise its elements
 * are matched by index.
 *
 * Istio's lists are atomic to the API server (the CRDs carry no `x-kubernetes-list-type: map`), so
 * this is gatescope's own reading of them. It is what makes a concurrent reorder or insertion of
 * `spec.http` routes not look like a change of every route after it: VirtualService `http`, `tcp`
 * and `tls` routes, DestinationRule `subsets` and Gateway `servers` all carry a `name` that is
 * their identity (subsets must have one; routes and servers should, and the forms always give
 * one). A list that has even one unnamed element falls back to positions, conservatively.
 */
import { isObject } from './json';

/** The names of `list`'s elements when it is keyed by name (see the rule above), else undefined. */
export function nameKeys(list: readonly unknown[]): string[] | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const el of list) {
    if (!isObject(el)) return undefined;
    const name = el['name'];
    if (typeof name !== 'string' || name === '' || seen.has(name)) return undefined;
    seen.add(name);
    names.push(name);
  }
  return names;
}

/** Names of every list when all of them are keyed by name, else undefined. */
export function keyedLists(...lists: ReadonlyArray<readonly unknown[]>): string[][] | undefined {
  const out: string[][] = [];
  for (const l of lists) {
    const k = nameKeys(l);
    if (!k) return undefined;
    out.push(k);
  }
  return out;
}
