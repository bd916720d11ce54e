/**
 * Envoy's stats store, reduced: counters, gauges and histograms, each with its flat Envoy name
 * (what /stats prints) and its Prometheus name + tags after tag extraction (what
 * /stats/prometheus prints). Istio's standard metrics (istio_requests_total, ...) live here too,
 * as the istio.stats filter records them.
 */

export type Tags = Array<[string, string]>;

interface StatBase {
  flat: string;
  prom: string;
  tags: Tags;
}
export interface Counter extends StatBase {
  value: number;
}
export interface Gauge extends StatBase {
  value: number;
}
export interface Histogram extends StatBase {
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

/** Envoy's default histogram buckets (also Istio's istio_request_duration_milliseconds buckets). */
export const DEFAULT_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** Istio's flattened name for a tagged stat: `tag=.=value;.;...;.;name`. */
export function istioFlatName(name: string, tags: Tags): string {
  return tags.map(([k, v]) => `${k}=.=${v};.;`).join('') + name;
}

export class StatsStore {
  readonly counters = new Map<string, Counter>();
  readonly gauges = new Map<string, Gauge>();
  readonly histograms = new Map<string, Histogram>();

  counter(flat: string, prom?: string, tags: Tags = []): Counter {
    let c = this.counters.get(flat);
    if (!c) {
      c = { flat, prom: prom ?? promName(flat), tags, value: 0 };
      this.counters.set(flat, c);
    }
    return c;
  }

  inc(flat: string, prom?: string, tags?: Tags, by = 1): void {
    this.counter(flat, prom, tags).value += by;
  }

  gauge(flat: string, prom?: string, tags: Tags = []): Gauge {
    let g = this.gauges.get(flat);
    if (!g) {
      g = { flat, prom: prom ?? promName(flat), tags, value: 0 };
      this.gauges.set(flat, g);
    }
    return g;
  }

  set(flat: string, value: number, prom?: string, tags?: Tags): void {
    this.gauge(flat, prom, tags).value = value;
  }

  observe(flat: string, value: number, prom?: string, tags: Tags = [], buckets = DEFAULT_BUCKETS): void {
    let h = this.histograms.get(flat);
    if (!h) {
      h = { flat, prom: prom ?? promName(flat), tags, buckets, counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.histograms.set(flat, h);
    }
    for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]!) h.counts[i]!++;
    h.sum += value;
    h.count++;
  }

  /** Per-cluster counters, Envoy-named: cluster.<name>.<stat> → envoy_cluster_<stat>{cluster_name}. */
  clusterInc(cluster: string, stat: string, by = 1): void {
    const m = /^upstream_rq_(\d)xx$/.exec(stat);
    const m2 = /^upstream_rq_(\d{3})$/.exec(stat);
    if (m) this.inc(`cluster.${cluster}.${stat}`, 'envoy_cluster_upstream_rq_xx', [['response_code_class', `${m[1]}xx`], ['cluster_name', cluster]], by);
    else if (m2) this.inc(`cluster.${cluster}.${stat}`, 'envoy_cluster_upstream_rq', [['response_code', m2[1]!], ['cluster_name', cluster]], by);
    else this.inc(`cluster.${cluster}.${stat}`, `envoy_cluster_${stat}`, [['cluster_name', cluster]], by);
  }

  clusterGauge(cluster: string, stat: string, value: number): void {
    this.set(`cluster.${cluster}.${stat}`, value, `envoy_cluster_${stat}`, [['cluster_name', cluster]]);
  }

  httpInc(prefix: string, stat: string, by = 1): void {
    const m = /^downstream_rq_(\d)xx$/.exec(stat);
    if (m) this.inc(`http.${prefix}.${stat}`, 'envoy_http_downstream_rq_xx', [['response_code_class', `${m[1]}xx`], ['http_conn_manager_prefix', prefix]], by);
    else this.inc(`http.${prefix}.${stat}`, `envoy_http_${stat.replace(/\./g, '_')}`, [['http_conn_manager_prefix', prefix]], by);
  }

  listenerInc(address: string, stat: string, by = 1): void {
    this.inc(`listener.${address}.${stat}`, `envoy_listener_${stat}`, [['listener_address', address]], by);
  }

  tcpInc(prefix: string, stat: string, by = 1): void {
    this.inc(`tcp.${prefix}.${stat}`, `envoy_tcp_${stat}`, [['tcp_prefix', prefix]], by);
  }
}

/** Prometheus name for an untagged Envoy stat: dots and other separators become underscores. */
export function promName(flat: string): string {
  return 'envoy_' + flat.replace(/[^a-zA-Z0-9_]/g, '_');
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (tags: Tags, extra?: [string, string]) => {
  const all = extra ? [...tags, extra] : tags;
  return all.length ? `{${all.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}` : '';
};
const num = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6))));

/** Prometheus text exposition (as Envoy's /stats/prometheus), grouped by metric name. */
export function renderPrometheus(store: StatsStore): string {
  const groups = new Map<string, { type: string; lines: string[] }>();
  const add = (name: string, type: string, lines: string[]) => {
    const g = groups.get(name) ?? { type, lines: [] };
    g.lines.push(...lines);
    groups.set(name, g);
  };
  for (const c of store.counters.values()) add(c.prom, 'counter', [`${c.prom}${labels(c.tags)} ${num(c.value)}`]);
  for (const g of store.gauges.values()) add(g.prom, 'gauge', [`${g.prom}${labels(g.tags)} ${num(g.value)}`]);
  for (const h of store.histograms.values()) {
    const lines: string[] = [];
    h.buckets.forEach((b, i) => lines.push(`${h.prom}_bucket${labels(h.tags, ['le', String(b)])} ${h.counts[i]}`));
    lines.push(`${h.prom}_bucket${labels(h.tags, ['le', '+Inf'])} ${h.count}`);
    lines.push(`${h.prom}_sum${labels(h.tags)} ${num(h.sum)}`);
    lines.push(`${h.prom}_count${labels(h.tags)} ${h.count}`);
    add(h.prom, 'histogram', lines);
  }
  const names = [...groups.keys()].sort();
  let out = '';
  for (const n of names) {
    const g = groups.get(n)!;
    out += `# TYPE ${n} ${g.type}\n${g.lines.join('\n')}\n`;
  }
  return out;
}

function quantile(h: Histogram, q: number): string {
  if (h.count === 0) return 'nan';
  const target = q * h.count;
  for (let i = 0; i < h.buckets.length; i++) if (h.counts[i]! >= target) return num(h.buckets[i]!);
  return num(h.buckets[h.buckets.length - 1]!);
}

/** /stats text: `name: value` sorted, then histograms with quantile summaries. */
export function renderStatsText(store: StatsStore, filter?: (name: string) => boolean, usedOnly = false): string {
  const rows: Array<[string, string]> = [];
  for (const c of store.counters.values()) if (!usedOnly || c.value) rows.push([c.flat, num(c.value)]);
  for (const g of store.gauges.values()) if (!usedOnly || g.value) rows.push([g.flat, num(g.value)]);
  const sel = rows.filter(([n]) => !filter || filter(n)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let out = sel.map(([n, v]) => `${n}: ${v}`).join('\n');
  const hs = [...store.histograms.values()].filter((h) => !filter || filter(h.flat)).sort((a, b) => (a.flat < b.flat ? -1 : 1));
  for (const h of hs) {
    const qs = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1].map((q) => `P${q * 100}(${quantile(h, q)},${quantile(h, q)})`).join(' ');
    out += `\n${h.flat}: ${h.count === 0 ? 'No recorded values' : qs}`;
  }
  return out + '\n';
}

export function renderStatsJson(store: StatsStore, filter?: (name: string) => boolean, usedOnly = false): unknown {
  const stats: unknown[] = [];
  const rows: Array<{ name: string; value: number }> = [];
  for (const c of store.counters.values()) if (!usedOnly || c.value) rows.push({ name: c.flat, value: c.value });
  for (const g of store.gauges.values()) if (!usedOnly || g.value) rows.push({ name: g.flat, value: g.value });
  rows.filter((r) => !filter || filter(r.name)).sort((a, b) => (a.name < b.name ? -1 : 1)).forEach((r) => stats.push(r));
  const hs = [...store.histograms.values()].filter((h) => !filter || filter(h.flat));
  if (hs.length) {
    stats.push({
      histograms: {
        supported_quantiles: [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100],
        computed_quantiles: hs.map((h) => ({
          name: h.flat,
          values: [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1].map((q) => {
            const v = quantile(h, q);
            return v === 'nan' ? { interval: null, cumulative: null } : { interval: Number(v), cumulative: Number(v) };
          }),
        })),
      },
    });
  }
  return { stats };
}
