/**
 * /clusters (text and ?format=json) as Envoy's ClustersHandler prints it: observability name,
 * circuit breaker settings per priority, added_via_api, eds_service_name, and per host the stats,
 * hostname, health flags, weight, locality, canary, priority and success rates.
 */
import type { ProxyRuntime } from '../proxy/runtime';
import type { UpstreamHost } from '../proxy/upstream-hosts';
import type { Cluster } from '../types';

const DEFAULT_CB = { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 };

function thresholds(c: Cluster) {
  const list = c.circuit_breakers?.thresholds ?? [];
  const def = list.find((t) => !t.priority || t.priority === 'DEFAULT');
  const high = list.find((t) => t.priority === 'HIGH');
  const pick = (t: typeof def) => ({
    max_connections: t?.max_connections ?? DEFAULT_CB.max_connections,
    max_pending_requests: t?.max_pending_requests ?? DEFAULT_CB.max_pending_requests,
    max_requests: t?.max_requests ?? DEFAULT_CB.max_requests,
    max_retries: t?.max_retries ?? DEFAULT_CB.max_retries,
  });
  return { def: pick(def), high: pick(high) };
}

function all(rt: ProxyRuntime, statics: Cluster[]): Array<{ c: Cluster; api: boolean; hosts: UpstreamHost[] }> {
  const out: Array<{ c: Cluster; api: boolean; hosts: UpstreamHost[] }> = [];
  for (const c of statics) out.push({ c, api: false, hosts: rt.hosts.hosts(c, undefined) });
  const cfg = rt.current;
  for (const c of cfg?.clusters.values() ?? []) out.push({ c, api: true, hosts: rt.hosts.hosts(c, cfg!.endpoints.get(c.eds_cluster_config?.service_name ?? c.name)) });
  return out;
}

const flags = (h: UpstreamHost) => (h.healthy ? 'healthy' : '/failed_eds_health');

export function clustersText(rt: ProxyRuntime, statics: Cluster[]): string {
  let out = '';
  for (const { c, api, hosts } of all(rt, statics)) {
    const n = c.name;
    out += `${n}::observability_name::${(c.alt_stat_name as string | undefined)?.replace(/;$/, '') ?? n}\n`;
    if (c.outlier_detection) {
      out += `${n}::outlier::success_rate_average::-1\n${n}::outlier::success_rate_ejection_threshold::-1\n`;
      out += `${n}::outlier::local_origin_success_rate_average::-1\n${n}::outlier::local_origin_success_rate_ejection_threshold::-1\n`;
    }
    const t = thresholds(c);
    for (const [p, v] of [['default', t.def], ['high', t.high]] as const) {
      out += `${n}::${p}_priority::max_connections::${v.max_connections}\n${n}::${p}_priority::max_pending_requests::${v.max_pending_requests}\n`;
      out += `${n}::${p}_priority::max_requests::${v.max_requests}\n${n}::${p}_priority::max_retries::${v.max_retries}\n`;
    }
    out += `${n}::added_via_api::${api}\n`;
    if (c.type === 'EDS') out += `${n}::eds_service_name::${c.eds_cluster_config?.service_name ?? n}\n`;
    for (const h of hosts) {
      const a = h.address;
      const s = h.stats;
      for (const k of ['cx_active', 'cx_connect_fail', 'cx_total', 'rq_active', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total'] as const) out += `${n}::${a}::${k}::${s[k]}\n`;
      out += `${n}::${a}::hostname::\n${n}::${a}::health_flags::${flags(h)}\n${n}::${a}::weight::${h.weight}\n`;
      out += `${n}::${a}::region::\n${n}::${a}::zone::\n${n}::${a}::sub_zone::\n${n}::${a}::canary::false\n${n}::${a}::priority::0\n`;
      out += `${n}::${a}::success_rate::-1\n${n}::${a}::local_origin_success_rate::-1\n`;
    }
  }
  return out;
}

export function clustersJson(rt: ProxyRuntime, statics: Cluster[]): unknown {
  const cluster_statuses = all(rt, statics).map(({ c, api, hosts }) => {
    const t = thresholds(c);
    const status: Record<string, unknown> = {
      name: c.name,
      added_via_api: api || undefined,
      host_statuses: hosts.map((h) => {
        const s = h.stats;
        const stats = [
          ...(['cx_connect_fail', 'cx_total', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total'] as const).map((k) => (s[k] ? { value: String(s[k]), name: k } : { name: k })),
          ...(['cx_active', 'rq_active'] as const).map((k) => (s[k] ? { type: 'GAUGE', value: String(s[k]), name: k } : { type: 'GAUGE', name: k })),
        ];
        return {
          address: { socket_address: { address: h.ip, port_value: h.port } },
          stats,
          health_status: { eds_health_status: h.healthy ? 'HEALTHY' : 'UNHEALTHY' },
          weight: h.weight,
          locality: {},
        };
      }),
      circuit_breakers: { thresholds: [{ ...t.def }, { priority: 'HIGH', ...t.high }] },
      observability_name: (c.alt_stat_name as string | undefined)?.replace(/;$/, '') ?? c.name,
    };
    if (c.type === 'EDS') status.eds_service_name = c.eds_cluster_config?.service_name ?? c.name;
    if (!status.host_statuses || (status.host_statuses as unknown[]).length === 0) delete status.host_statuses;
    return status;
  });
  return { cluster_statuses };
}
