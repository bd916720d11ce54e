/**
 * The console's log followers as one service: GatewayLogs over the cluster cache, attributed with
 * the topology, published on the hub (`logs`, `traffic`, `traffic/<seconds>`).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCache } from '../kube/cache';
import { tryGetRuntime } from '../runtime';
import type { Hub } from '../stream/hub';
import type { TopologyService } from '../topology/service';
import { GatewayLogs, type GatewayLogsOptions } from './gateway-logs';
import { publishLogs, publishTraffic } from './publish';

export { GatewayLogs } from './gateway-logs';

export function startLogs(kc: KubeConfig, cache: ClusterCache, topology: TopologyService, hub: Hub, opts: GatewayLogsOptions = {}): GatewayLogs {
  const logs = new GatewayLogs(kc, cache, { topology: () => topology.current().view.nodes, ...opts });
  publishLogs(hub, logs);
  publishTraffic(hub, logs);
  logs.start();
  return logs;
}

/** The running GatewayLogs (route handlers), or undefined before the console started it. */
export function logsService(): GatewayLogs | undefined {
  return tryGetRuntime()?.services['logs'] as GatewayLogs | undefined;
}
