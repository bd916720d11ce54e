/**
 * The request-path view of what the cluster cache holds: lib/topology (build → layout → view),
 * computed at most once per cache version and only when someone asks (the `topology` topic or
 * `GET /api/topology`). The version is the cache's, so a client can drop an older graph.
 * Incremental (lib/topology/incremental.ts): the cache hands out the same object for an unchanged
 * resource, so a watch event rebuilds only the parts of the graph that read the changed objects.
 */
import { IncrementalTopology, type Plurals } from '../../lib/topology/incremental';
import type { TopologyView } from '../../lib/topology/view';
import type { ClusterCache } from '../kube/cache';
import type { Hub } from '../stream/hub';

export interface VersionedView {
  version: number;
  view: TopologyView;
  /** Milliseconds the build + layout took (for the UI's footer and the benchmarks). */
  tookMs: number;
}

export class TopologyService {
  private last: VersionedView | undefined;
  /** Keeps what the previous build computed: a watch event recomputes only what it touches (same view as a full build). */
  private readonly incremental = new IncrementalTopology();

  constructor(private readonly cache: ClusterCache) {}

  current(): VersionedView {
    const version = this.cache.version;
    if (this.last?.version === version) return this.last;
    const t0 = performance.now();
    const view = this.incremental.view(this.cache.snapshot() as Plurals);
    this.last = { version, view, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
    return this.last;
  }

  /** Registers the `topology` topic: a snapshot per cache change, while subscribed. */
  publish(hub: Hub): void {
    hub.register('topology', {
      subscribe: (_params, sink) => {
        const send = () => {
          const { version, view } = this.current();
          sink.snapshot(version, view);
        };
        send();
        return this.cache.onChange(send);
      },
    });
  }
}
