/**
 * The weights of one route, edited from outside the form (the Traffic page's split slider): which
 * VirtualService and list hold them for a topology route id, what they are, the object with only
 * them changed (the draft the edit pipeline's dry-run and apply write, with the resourceVersion of
 * the object the user saw), and a short preview of the change.
 *
 * @example
 *   const t = routeWeightsTarget('route:default/web-service:http[2]');
 *   // { namespace: 'default', name: 'web-service', path: ['spec', 'http', 2, 'route'] }
 *   const draft = withRouteWeights(vs, t, [50, 50]); // only spec.http[2].route[*].weight differ
 *   describeWeightChanges(weightChanges(['v1', 'v2'], [80, 20], [50, 50])); // 'v1 80 → 50, v2 20 → 50'
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
import { isObject, type JsonObject } from './json';
import { getAt, setAt, type Path } from './path';
import { weightsOf } from './split';

export interface RouteWeightsTarget {
  /** The VirtualService that holds the route (the delegate, for a route a root delegates to). */
  namespace: string;
  name: string;
  /** `['spec', 'http', 2, 'route']`: the route's destination list. */
  path: Path;
}

const ROUTE_ID = /^route:([^/:]+)\/([^/:]+):(http|tcp|tls)\[(\d+)\](?:>([^/:[\]>]+)\/([^/:[\]>]+)\[(\d+)\])?$/;

/**
 * The object and list a topology route id (lib/topology/ids: `route:<ns>/<vs>:<kind>[<i>]`, or
 * `route:<ns>/<root>:http[<i>]><ns>/<delegate>[<j>]` for a delegated route) points at.
 */
export function routeWeightsTarget(routeId: string): RouteWeightsTarget | undefined {
  const m = ROUTE_ID.exec(routeId);
  if (!m) return undefined;
  const [, ns, vs, kind, index, dNs, dName, dIndex] = m;
  if (dNs && dName && dIndex !== undefined) return { namespace: dNs, name: dName, path: ['spec', 'http', Number(dIndex), 'route'] };
  return { namespace: ns!, name: vs!, path: ['spec', kind!, Number(index), 'route'] };
}

/** `web-service v1`: the host as short as it reads unambiguously from `namespace`, and the subset. */
export function destinationLabel(d: unknown, namespace?: string): string {
  const dest = isObject(d) && isObject(d['destination']) ? d['destination'] : {};
  let host = String(dest['host'] || '?').replace(/\.svc\.cluster\.local$/, '');
  if (namespace && host.endsWith(`.${namespace}`)) host = host.slice(0, -namespace.length - 1);
  return dest['subset'] ? `${host} ${String(dest['subset'])}` : host;
}

/** The shortest labels that tell the destinations apart: the subsets when that is enough, else host and subset. */
export function shortLabels(destinations: readonly unknown[], namespace?: string): string[] {
  const subsets = destinations.map((d) => (isObject(d) && isObject(d['destination']) && typeof d['destination']['subset'] === 'string' ? d['destination']['subset'] : ''));
  const hosts = new Set(destinations.map((d) => destinationLabel(d, namespace).split(' ')[0]));
  if (hosts.size === 1 && subsets.every((s) => s) && new Set(subsets).size === subsets.length) return subsets;
  return destinations.map((d) => destinationLabel(d, namespace));
}

export interface RouteWeights {
  destinations: JsonObject[];
  /** As Istio reads them (lib/editing/split `weightsOf`). */
  weights: number[];
  /** `web-service v1`, for the slider's handles. */
  labels: string[];
  /** `v1`, for the preview of a change. */
  short: string[];
}

/** The destinations and weights at `target` in `obj`, or undefined when there is no split there (fewer than two destinations). */
export function readRouteWeights(obj: unknown, target: Pick<RouteWeightsTarget, 'path'>): RouteWeights | undefined {
  const list = getAt(obj, target.path);
  if (!Array.isArray(list) || list.length < 2 || !list.every(isObject)) return undefined;
  const destinations = list as JsonObject[];
  const ns = isObject(obj) && isObject(obj['metadata']) && typeof obj['metadata']['namespace'] === 'string' ? obj['metadata']['namespace'] : undefined;
  return { destinations, weights: weightsOf(destinations), labels: destinations.map((d) => destinationLabel(d, ns)), short: shortLabels(destinations, ns) };
}

/**
 * `obj` with the weights at `target` set to `weights` and nothing else changed (every other field,
 * including the rest of each destination, is shared as is). Undefined when the route no longer
 * has as many destinations as there are weights (the object changed shape under the user).
 */
export function withRouteWeights<T>(obj: T, target: Pick<RouteWeightsTarget, 'path'>, weights: readonly number[]): T | undefined {
  const now = readRouteWeights(obj, target);
  if (!now || now.destinations.length !== weights.length) return undefined;
  return weights.reduce<T>((acc, w, j) => (now.weights[j] === w ? acc : setAt(acc, [...target.path, j, 'weight'], w)), obj);
}

export interface WeightChange {
  label: string;
  from: number;
  to: number;
}

/** The destinations whose weight differs, in route order. */
export function weightChanges(labels: readonly string[], before: readonly number[], after: readonly number[]): WeightChange[] {
  const out: WeightChange[] = [];
  after.forEach((to, j) => {
    const from = before[j] ?? 0;
    if (from !== to) out.push({ label: labels[j] ?? `#${j}`, from, to });
  });
  return out;
}

/** `v1 80 → 50, v2 20 → 50` */
export function describeWeightChanges(changes: readonly WeightChange[]): string {
  return changes.map((c) => `${c.label} ${c.from} → ${c.to}`).join(', ');
}
