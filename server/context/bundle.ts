/**
 * One kubeconfig context's services, built the same way for every context: the watch cache, the
 * Envoy admin client, istiod sync status, config drift, the topology, the history of changes, the
 * gateway log followers (logs and traffic), and the analysis topic. server/main.ts builds the
 * bundle of the context the console starts with; the context picker (server/context/registry.ts)
 * builds another context's on first use and stops it when nobody used it for a while.
 *
 * Construction starts only the watch cache (the history records from its first list); `start(hub)`
 * registers the bundle's topics on `hub` (the console's hub for the primary context, a topic table
 * of its own for another) and starts the pollers and log followers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { analyze } from '../../lib/analysis/analyze';
import { sortDedupe } from '../../lib/analysis/sort';
import { DriftService } from '../envoy/drift';
import { EnvoyAdmin } from '../envoy/admin';
import { HistoryRecorder } from '../history/recorder';
import { ClusterCache } from '../kube/cache';
import { kubeConfigForContext } from '../kube/contexts';
import { startLogs, type GatewayLogs } from '../logs/index';
import type { Hub } from '../stream/hub';
import { publishAnalysis, publishCache } from '../stream/publish';
import { IstiodSync } from '../sync/istiod';
import { TopologyService } from '../topology/service';

export interface ContextServices {
  /** The kubeconfig context these services serve. */
  readonly context: string;
  /** A kubeconfig whose current context is `context`. */
  readonly kubeConfig: KubeConfig;
  readonly cache: ClusterCache;
  readonly envoy: EnvoyAdmin;
  readonly sync: IstiodSync;
  readonly drift: DriftService;
  readonly topology: TopologyService;
  readonly history: HistoryRecorder;
  /** The log followers (topics `logs`, `traffic`), once `start` ran. */
  readonly logs: GatewayLogs | undefined;
  /** Registers the topics on `hub` and starts sync, drift and the log followers (once). */
  start(hub: Hub): void;
  /** Stops everything the bundle started (idempotent). */
  stop(): void;
}

export interface ContextServicesOptions {
  /** Audit lines of the Envoy admin client. */
  log?: (s: string) => void;
}

/** The analysis topic's findings: lib/analysis over everything the cache holds, suppressed ones included. */
function analyzeObjects(objects: unknown[]): unknown[] {
  return sortDedupe(analyze(objects as Parameters<typeof analyze>[0], { now: new Date(), includeSuppressed: true }));
}

export function createContextServices(kubeConfig: KubeConfig, contextName: string, opts: ContextServicesOptions = {}): ContextServices {
  const kc = kubeConfig.getCurrentContext() === contextName ? kubeConfig : kubeConfigForContext(kubeConfig, contextName);
  const cache = new ClusterCache(kc);
  cache.start();
  // Envoy admin (allow-listed, through pods/portforward) and istiod sync status.
  const envoy = new EnvoyAdmin(kc, { audit: opts.log ?? ((s: string) => console.log(s)) });
  const sync = new IstiodSync(kc, cache);
  const drift = new DriftService(envoy, cache);
  const topology = new TopologyService(cache);
  const history = new HistoryRecorder(cache);
  let logs: GatewayLogs | undefined;
  let state: 'created' | 'started' | 'stopped' = 'created';
  return {
    context: contextName,
    kubeConfig: kc,
    cache,
    envoy,
    sync,
    drift,
    topology,
    history,
    get logs() {
      return logs;
    },
    start(hub) {
      if (state !== 'created') return;
      state = 'started';
      publishCache(hub, cache);
      publishAnalysis(hub, cache, analyzeObjects);
      topology.publish(hub);
      history.publish(hub);
      sync.start(hub);
      logs = startLogs(kc, cache, topology, hub);
      drift.start(hub, (fn) => sync.onSnapshot(() => fn()));
    },
    stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      drift.stop();
      sync.stop();
      logs?.stop();
      envoy.close();
      history.stop();
      cache.stop();
    },
  };
}
