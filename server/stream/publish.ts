/**
 * Topic providers fed by the cluster cache: `cluster` (connection state of the cache) and
 * `resources/<plural>` (the objects of one kind). Later layers add topology, logs, traffic, sync.
 */
import { redactForClient } from '../../lib/kube/redact';
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
      const list = () => cache.list(plural).map((o) => redactForClient(plural, o));
      sink.snapshot(cache.version, list());
      return cache.onChange((v) => sink.snapshot(v, list()));
    },
  });
}

/**
 * `analysis`: lib/analysis findings over everything the cache holds, recomputed on change
 * (coalesced by the cache) and only while someone is subscribed.
 */
export function publishAnalysis(hub: Hub, cache: ClusterCache, analyzeObjects: (objects: unknown[]) => unknown[]): void {
  let version = 0;
  let last: { at: number; findings: unknown[] } | undefined;
  const compute = () => {
    if (!last || last.at !== cache.version) last = { at: cache.version, findings: analyzeObjects(cache.objects()) };
    return last.findings;
  };
  hub.register('analysis', {
    subscribe(_params, sink) {
      sink.snapshot(++version, { findings: compute(), synced: cache.state().synced });
      return cache.onChange(() => sink.snapshot(++version, { findings: compute(), synced: cache.state().synced }));
    },
  });
}
