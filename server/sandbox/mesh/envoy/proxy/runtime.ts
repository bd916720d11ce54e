/**
 * What the traffic handlers of a gateway proxy share: the applied config (read at request time, so
 * RDS/CDS/EDS updates apply to open connections as in Envoy), stats, upstream pools and hosts,
 * the pod's identity, and the container log.
 */
import type { StoredObject } from '../../../api/store';
import type { AppliedConfig } from './config-state';
import { StatsStore, type Tags } from './stats';
import { HostRegistry, type UpstreamHost } from './upstream-hosts';
import { UpstreamPools } from './upstream';
import type { Cluster } from '../types';

export interface NodeInfo {
  /** router~<podIP>~<pod>.<ns>~<ns>.svc.cluster.local */
  id: string;
  podName: string;
  namespace: string;
  podIP: string;
  workload: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

export function nodeInfoFor(pod: StoredObject, podIP: string): NodeInfo {
  const labels = pod.metadata.labels ?? {};
  const ns = pod.metadata.namespace ?? 'default';
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  let workload = pod.metadata.name;
  if (owner) workload = owner.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]{5,10}$/, '') : owner.name;
  else if (pod.metadata.generateName) workload = pod.metadata.generateName.replace(/-$/, '').replace(/-[a-z0-9]{5,10}$/, '');
  const app = labels.app ?? labels['app.kubernetes.io/name'] ?? 'unknown';
  return {
    id: `router~${podIP}~${pod.metadata.name}.${ns}~${ns}.svc.cluster.local`,
    podName: pod.metadata.name,
    namespace: ns,
    podIP,
    workload,
    app,
    version: labels.version ?? labels['app.kubernetes.io/version'] ?? 'unknown',
    canonicalService: labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workload,
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest',
    labels,
    serviceAccount: ((pod as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName) ?? 'default',
  };
}

export class ProxyRuntime {
  current: AppliedConfig | undefined;
  readonly stats = new StatsStore();
  readonly hosts = new HostRegistry();
  readonly pools: UpstreamPools;
  /** Active requests per cluster (circuit breaking). */
  readonly clusterActive = new Map<string, number>();
  readonly startedAt = new Date();

  constructor(
    readonly node: NodeInfo,
    private readonly writeLog: (line: string) => void,
    readonly random: () => number = Math.random,
    /** Where podIP:port really listens (the kubelet may move privileged ports); identity by default. */
    readonly resolveEndpoint: (ip: string, port: number) => { host: string; port: number } = (host, port) => ({ host, port }),
  ) {
    this.pools = new UpstreamPools(node.podIP || undefined);
  }

  log(line: string): void {
    this.writeLog(line);
  }

  /** Labels of Istio's standard metrics for one request through this gateway (reporter=source). */
  istioLabels(cluster: Cluster | undefined, host: UpstreamHost | undefined, extra: { responseCode?: number; flags: string; protocol: string }): Tags {
    const svc = (cluster?.metadata?.filter_metadata?.istio?.services as Array<{ host: string; name: string; namespace: string }> | undefined)?.[0];
    const wl = String(host?.metadata?.filter_metadata?.istio?.workload ?? '').split(';');
    const known = (v: string | undefined) => (v ? v : 'unknown');
    const tags: Tags = [];
    if (extra.responseCode !== undefined) tags.push(['response_code', String(extra.responseCode)]);
    tags.push(
      ['reporter', 'source'],
      ['source_workload', this.node.workload],
      ['source_workload_namespace', this.node.namespace],
      ['source_principal', 'unknown'],
      ['source_app', this.node.app],
      ['source_version', this.node.version],
      ['source_cluster', 'Kubernetes'],
      ['destination_workload', known(wl[0])],
      ['destination_workload_namespace', known(wl[1])],
      ['destination_principal', 'unknown'],
      ['destination_app', known(wl[2])],
      ['destination_version', known(wl[3])],
      ['destination_service', known(svc?.host)],
      ['destination_service_name', known(svc?.name)],
      ['destination_service_namespace', known(svc?.namespace)],
      ['destination_cluster', wl[4] ? wl[4] : 'unknown'],
      ['request_protocol', extra.protocol],
      ['response_flags', extra.flags],
    );
    if (extra.responseCode !== undefined) tags.push(['grpc_response_status', '']);
    tags.push(
      ['connection_security_policy', 'unknown'],
      ['source_canonical_service', this.node.canonicalService],
      ['destination_canonical_service', known(wl[2])],
      ['source_canonical_revision', this.node.canonicalRevision],
      ['destination_canonical_revision', wl[3] ? wl[3] : 'latest'],
    );
    return tags;
  }

  recordHttp(cluster: Cluster | undefined, host: UpstreamHost | undefined, code: number, flags: string, durationMs: number, reqBytes: number, respBytes: number): void {
    const tags = this.istioLabels(cluster, host, { responseCode: code, flags, protocol: 'http' });
    const key = tags.map(([k, v]) => `${k}=.=${v};.;`).join('');
    this.stats.inc(`${key}istio_requests_total`, 'istio_requests_total', tags);
    this.stats.observe(`${key}istio_request_duration_milliseconds`, durationMs, 'istio_request_duration_milliseconds', tags);
    this.stats.observe(`${key}istio_request_bytes`, reqBytes, 'istio_request_bytes', tags);
    this.stats.observe(`${key}istio_response_bytes`, respBytes, 'istio_response_bytes', tags);
  }

  recordTcp(cluster: Cluster | undefined, host: UpstreamHost | undefined, flags: string, event: 'open' | 'close', sent = 0, received = 0): void {
    const tags = this.istioLabels(cluster, host, { flags, protocol: 'tcp' });
    const key = tags.map(([k, v]) => `${k}=.=${v};.;`).join('');
    if (event === 'open') this.stats.inc(`${key}istio_tcp_connections_opened_total`, 'istio_tcp_connections_opened_total', tags);
    else {
      this.stats.inc(`${key}istio_tcp_connections_closed_total`, 'istio_tcp_connections_closed_total', tags);
      this.stats.inc(`${key}istio_tcp_sent_bytes_total`, 'istio_tcp_sent_bytes_total', tags, sent);
      this.stats.inc(`${key}istio_tcp_received_bytes_total`, 'istio_tcp_received_bytes_total', tags, received);
    }
  }
}
