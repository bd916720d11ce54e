/**
 * What one topology build can hand to the next so that a watch event costs only the parts it
 * touches: the recorded writes of each build step, keyed by the objects that step read, and
 * checked against them before reuse (`sameDeps`). A step is reused only when every object it
 * read is the very same object (snapshots are immutable: an edit is a new object), so the result
 * is exactly what a build from scratch gives; a step whose inputs changed runs again.
 *
 * Steps: the entry half (gateway pods, their servers and the Services in front of them), the
 * route status of each Gateway server, each VirtualService (its node, routes and bindings) and
 * each route destination (its Service, subset and pods).
 */
import type { Destination, VirtualService } from '../istio/types';
import type { GatewayProxy } from '../routing/gateway-proxy';
import type { GraphOp } from './graph';
import type { DestPlan, EntryPlan, ServerPlan } from './paths';

/** A recorded step and the objects (and strings) it read, in a fixed order. */
export interface Memoized<T> {
  deps: readonly unknown[];
  value: T;
}

export interface EntryHalf {
  ops: ReadonlyArray<GraphOp>;
  servers: ReadonlyMap<string, ServerPlan>;
  entries: readonly EntryPlan[];
  proxies: ReadonlyMap<string, GatewayProxy>;
}

/** One route destination: its Service, subset and pod nodes, and the plan the paths walk. */
export interface DestUnit {
  ops: ReadonlyArray<GraphOp>;
  plan: DestPlan;
}

export interface TopologyMemo {
  entry?: Memoized<EntryHalf>;
  /** Route status per server, and per VirtualService key the part of it that VirtualService reads. */
  status: WeakMap<ServerPlan, Memoized<{ status: Map<string, string | undefined>; byVs: Map<string, string> }>>;
  virtualServices: WeakMap<VirtualService, Memoized<ReadonlyArray<GraphOp<unknown>>>>;
  destinations: WeakMap<Destination, Memoized<DestUnit>>;
}

export function createTopologyMemo(): TopologyMemo {
  return { status: new WeakMap(), virtualServices: new WeakMap(), destinations: new WeakMap() };
}

/** Same length and the same values (`===`) in the same places. */
export function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The memoized value when its deps are the same, else a fresh one (stored). */
export function memoized<K extends object, T>(map: WeakMap<K, Memoized<T>>, key: K, deps: readonly unknown[], compute: () => T): T {
  const hit = map.get(key);
  if (hit && sameDeps(hit.deps, deps)) return hit.value;
  const value = compute();
  map.set(key, { deps, value });
  return value;
}
