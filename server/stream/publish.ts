/**
 * Topic providers fed by the cluster cache: `cluster` (connection state of the cache) and
 * `resources/<plural>` (the objects of one kind). Later layers add topology, logs, traffic, sync.
 */
import type { ClusterCache } from '../kube/cache';
import type { Hub } from './hub';

export function publishCache(hub: Hub, cache: ClusterCache): void {
  let stateVersion = 0;
  hub.register('cluster', {
    subscribe(_params, sink) {
      sink.snapshot(++stateVersion, cache.state());
      return cache.onState((s) => sink.snapshot(++stateVersion, s));
    },
  });
  hub.register('resources/', {
    subscribe(_params, sink, topic) {
      const plural = topic.slice('resources/'.length);
      if (!cache.informers.has(plural)) throw new Error(`the console does not watch "${plural}"`);
      sink.snapshot(cache.version, cache.list(plural));
      return cache.onChange((v) => sink.snapshot(v, cache.list(plural)));
    },
  });
}
