/**
 * Route handlers' way to the services of the context a request selected (the context picker's
 * cookie, local mode): the console's own context's are the runtime's (`runtime.services.*`, set
 * by server/main.ts), another context's come from the registry, started on first use. With
 * --auth or a single context there is no selection: always the console's own.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { DriftService } from '../envoy/drift';
import type { EnvoyAdmin } from '../envoy/admin';
import type { HistoryRecorder } from '../history/recorder';
import { contextRegistry, selectedContext } from '../http/context-select';
import type { ClusterCache } from '../kube/cache';
import { HttpError } from '../kube/runtime-access';
import type { GatewayLogs } from '../logs/gateway-logs';
import { getRuntime, type Runtime } from '../runtime';
import type { IstiodSync } from '../sync/istiod';
import type { TopologyService } from '../topology/service';

/** One context's services as route handlers see them (the primary's may be missing in tests and partial runtimes). */
export interface ServicesView {
  context: string;
  kubeConfig: KubeConfig;
  cache?: ClusterCache;
  envoy?: EnvoyAdmin;
  sync?: IstiodSync;
  drift?: DriftService;
  topology?: TopologyService;
  history?: HistoryRecorder;
  logs?: GatewayLogs;
}

/** The services of `contextName` (undefined or the console's own: the runtime's). */
export function servicesFor(contextName?: string, rt: Runtime = getRuntime()): ServicesView {
  if (contextName === undefined || contextName === rt.context) {
    const s = rt.services as Partial<Omit<ServicesView, 'context' | 'kubeConfig'>>;
    return { context: rt.context, kubeConfig: rt.kubeConfig, cache: s.cache, envoy: s.envoy, sync: s.sync, drift: s.drift, topology: s.topology, history: s.history, logs: s.logs };
  }
  const contexts = contextRegistry(rt);
  if (!contexts?.has(contextName)) throw new HttpError(404, `this console does not serve context "${contextName}"`);
  return contexts.services(contextName);
}

/** The services of the context the request selected (without a request or a selection: the console's own). */
export function servicesOf(req?: Request, rt: Runtime = getRuntime()): ServicesView {
  return servicesFor(req ? selectedContext(req.headers, rt) : undefined, rt);
}
