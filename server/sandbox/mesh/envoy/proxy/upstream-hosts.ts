/**
 * Upstream hosts of a cluster (from its ClusterLoadAssignment), their per-host stats (what
 * /clusters prints) and load balancing: ROUND_ROBIN, LEAST_REQUEST (power of two choices),
 * RANDOM, RING_HASH (hash of the route's hash_policy), honouring the previous_hosts retry predicate.
 */
import type { Cluster, ClusterLoadAssignment, LbEndpoint } from '../types';

export interface HostStats {
  cx_active: number;
  cx_connect_fail: number;
  cx_total: number;
  rq_active: number;
  rq_error: number;
  rq_success: number;
  rq_timeout: number;
  rq_total: number;
}

export interface UpstreamHost {
  /** `ip:port`. */
  address: string;
  ip: string;
  port: number;
  healthy: boolean;
  healthStatus: string;
  weight: number;
  metadata?: LbEndpoint['metadata'];
  stats: HostStats;
}

const UNHEALTHY = new Set(['UNHEALTHY', 'DRAINING', 'TIMEOUT']);

export class HostRegistry {
  private readonly stats = new Map<string, HostStats>();
  private readonly rr = new Map<string, number>();

  /** Forgets hosts (and their stats) that are no longer in any cluster. */
  prune(active: Set<string>): void {
    for (const k of this.stats.keys()) if (!active.has(k)) this.stats.delete(k);
  }

  statsFor(cluster: string, address: string): HostStats {
    const k = `${cluster}|${address}`;
    let s = this.stats.get(k);
    if (!s) {
      s = { cx_active: 0, cx_connect_fail: 0, cx_total: 0, rq_active: 0, rq_error: 0, rq_success: 0, rq_timeout: 0, rq_total: 0 };
      this.stats.set(k, s);
    }
    return s;
  }

  hosts(cluster: Cluster, cla: ClusterLoadAssignment | undefined): UpstreamHost[] {
    const source = cluster.type === 'EDS' ? cla : cluster.load_assignment;
    const out: UpstreamHost[] = [];
    for (const loc of source?.endpoints ?? []) {
      for (const ep of loc.lb_endpoints ?? []) {
        const sa = ep.endpoint?.address?.socket_address;
        if (!sa) continue;
        const address = `${sa.address}:${sa.port_value}`;
        const hs = ep.health_status ?? 'UNKNOWN';
        out.push({
          address,
          ip: sa.address,
          port: sa.port_value,
          healthy: !UNHEALTHY.has(hs),
          healthStatus: hs,
          weight: ep.load_balancing_weight ?? 1,
          metadata: ep.metadata,
          stats: this.statsFor(cluster.name, address),
        });
      }
    }
    return out;
  }

  /**
   * Picks a healthy host. `exclude` are hosts already tried (previous_hosts predicate); when every
   * healthy host was tried, they become eligible again. `hash` selects consistently (RING_HASH).
   */
  choose(cluster: Cluster, hosts: UpstreamHost[], exclude: Set<string>, hash: number | undefined, random: () => number): UpstreamHost | undefined {
    const healthy = hosts.filter((h) => h.healthy);
    if (healthy.length === 0) return undefined;
    let pool = healthy.filter((h) => !exclude.has(h.address));
    if (pool.length === 0) pool = healthy;
    const policy = cluster.lb_policy ?? 'ROUND_ROBIN';
    if ((policy === 'RING_HASH' || policy === 'MAGLEV') && hash !== undefined) {
      const sorted = [...pool].sort((a, b) => (a.address < b.address ? -1 : 1));
      return sorted[hash % sorted.length];
    }
    if (policy === 'RANDOM' || policy === 'RING_HASH' || policy === 'MAGLEV') return pool[Math.floor(random() * pool.length)];
    if (policy === 'LEAST_REQUEST' && pool.length > 1) {
      const a = pool[Math.floor(random() * pool.length)]!;
      const b = pool[Math.floor(random() * pool.length)]!;
      return a.stats.rq_active <= b.stats.rq_active ? a : b;
    }
    const i = (this.rr.get(cluster.name) ?? 0) % pool.length;
    this.rr.set(cluster.name, i + 1);
    return pool[i];
  }
}

/** FNV-1a, for hash_policy values. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
