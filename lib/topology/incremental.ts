/**
 * The topology view kept up to date across watch events: each `update` gets the cache's lists
 * by plural (`cache.snapshot()`) and returns exactly what
 * `toTopologyView(buildTopology(meshSnapshotFromPlurals(lists)))` returns, computing only what
 * the changed objects touch:
 *
 * - a kind whose list holds the same objects as last time keeps last time's array, so memos
 *   keyed by array (indexes in lib/istio and lib/routing) and the build steps that read it hit;
 * - the build replays the recorded steps whose inputs are the same objects (`memo.ts`);
 * - the layout is reused when the nodes (ids, stages, order) and edges (ends, order) are the
 *   same, as after a readiness flip (`layout-cache.ts`).
 *
 * Relies on the cache handing out the same object for an unchanged resource and a new object
 * for a changed one (an informer replaces the object on each watch event, never mutates it).
 */
import type { KubeObject } from '../kube/object';
import { carryPodIndex } from '../istio/refs';
import { meshSnapshotFromLists, type MeshSnapshot } from '../istio/snapshot';
import type { Pod } from '../kube/core';
import type { MeshOptions } from '../istio/refs';
import { buildTopology, type TopologyOptions } from './build';
import { createViewCache, type ViewCache } from './view-cache';
import { createTopologyMemo, sameDeps, type TopologyMemo } from './memo';
import type { Topology } from './types';
import { toTopologyView, type TopologyView } from './view';

export type Plurals = Readonly<Record<string, readonly KubeObject[] | undefined>>;

export class IncrementalTopology {
  private lists = new Map<string, readonly KubeObject[]>();
  private readonly memo: TopologyMemo = createTopologyMemo();
  private readonly viewCache: ViewCache = createViewCache();

  constructor(private readonly opts: MeshOptions & TopologyOptions = {}) {}

  /**
   * The snapshot of these lists (as `meshSnapshotFromPlurals` makes it), with last time's array
   * for every kind whose objects are the same.
   */
  snapshot(byPlural: Plurals): MeshSnapshot {
    const next = new Map<string, readonly KubeObject[]>();
    const list = <T>(plural: string): T[] => {
      const now = byPlural[plural] ?? [];
      const prev = this.lists.get(plural);
      const keep = prev && sameDeps(prev, now) ? prev : [...now];
      if (plural === 'pods' && prev && keep !== prev) carryPodIndex(prev as Pod[], keep as Pod[]);
      next.set(plural, keep);
      return keep as T[];
    };
    const { maxPaths: _maxPaths, ...mesh } = this.opts;
    const s = meshSnapshotFromLists(list, mesh);
    this.lists = next;
    return s;
  }

  /** The topology of these lists (reusing what the previous call computed). */
  topology(byPlural: Plurals): Topology {
    const { maxPaths } = this.opts;
    return buildTopology(this.snapshot(byPlural), maxPaths !== undefined ? { maxPaths } : {}, this.memo);
  }

  /** The overview's view of these lists: the same as a build from scratch. */
  view(byPlural: Plurals): TopologyView {
    return toTopologyView(this.topology(byPlural), {}, this.viewCache);
  }
}
