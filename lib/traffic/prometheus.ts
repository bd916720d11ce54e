/**
 * Istio's standard metrics in Prometheus, for traffic history beyond the access-log windows: the
 * PromQL for a gateway's requests to a set of destination Services (rate per Service and version,
 * 5xx rate, latency quantiles), and the Prometheus HTTP API's answers (`/api/v1/query_range`)
 * read into plain series.
 *
 * The gateway reports its requests as the source proxy (`reporter="source"`,
 * `source_workload="istio-ingressgateway"`); the destination carries `destination_service` (the
 * FQDN) and `destination_version` (the pod's `version` label, which DestinationRule subsets
 * usually select on). Istio's metrics have no route or subset label.
 *
 * @example
 *   const q = historyQueries({ services: ['web-service.default.svc.cluster.local'], gatewayWorkloads: [{ namespace: 'istio-system', name: 'istio-ingressgateway' }] }, 60);
 *   q.requests // sum by (destination_service, destination_version) (rate(istio_requests_total{reporter="source",…}[60s]))
 */

export interface Workload {
  namespace: string;
  name: string;
}

export interface MetricScope {
  /** Destination Service FQDNs (`destination_service`). */
  services: readonly string[];
  /** Gateway workloads whose requests count (`source_workload`, `source_workload_namespace`); empty: any source. */
  gatewayWorkloads: readonly Workload[];
}

export interface HistoryQueries {
  /** Requests per second, by destination_service and destination_version. */
  requests: string;
  /** 5xx responses per second, same grouping. */
  errors: string;
  /** Latency quantiles in ms over every request of the scope. */
  p50: string;
  p95: string;
  p99: string;
}

export type HistoryQueryName = keyof HistoryQueries;

/** Escapes a value for a PromQL double-quoted string. */
export function promString(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A label matcher for one value (`=`) or several (`=~` with an anchored, escaped alternation). */
export function labelMatcher(label: string, values: readonly string[]): string {
  const uniq = [...new Set(values)];
  if (uniq.length === 1) return `${label}=${promString(uniq[0]!)}`;
  const re = uniq.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return `${label}=~${promString(re)}`;
}

/** The label matchers of a scope's requests, inside `{…}`. */
export function scopeSelector(scope: MetricScope): string {
  const m = ['reporter="source"'];
  const names = scope.gatewayWorkloads.map((w) => w.name);
  const namespaces = scope.gatewayWorkloads.map((w) => w.namespace);
  if (names.length) m.push(labelMatcher('source_workload', names), labelMatcher('source_workload_namespace', namespaces));
  if (scope.services.length) m.push(labelMatcher('destination_service', scope.services));
  return m.join(',');
}

/**
 * The rate window for a step: at least the step (so no sample falls between two points) and at
 * least four scrape intervals (so every window holds two samples or more, as rate() needs).
 */
export function rateWindowSeconds(stepSeconds: number, scrapeIntervalSeconds = 15): number {
  return Math.max(Math.ceil(stepSeconds), Math.ceil(4 * scrapeIntervalSeconds));
}

export function historyQueries(scope: MetricScope, rateWindow: number): HistoryQueries {
  const sel = scopeSelector(scope);
  const w = `[${rateWindow}s]`;
  const by = 'sum by (destination_service, destination_version)';
  const q = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}${w})))`;
  return {
    requests: `${by} (rate(istio_requests_total{${sel}}${w}))`,
    errors: `${by} (rate(istio_requests_total{${sel},response_code=~"5.."}${w}))`,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
  };
}

// ---- the HTTP API's answers --------------------------------------------------------------------

export interface PromSeries {
  metric: Record<string, string>;
  /** [unix seconds, value]; NaN and ±Inf kept as numbers. */
  points: Array<[number, number]>;
}

export type PromResult =
  | { ok: true; resultType: string; series: PromSeries[]; warnings: string[] }
  | { ok: false; errorType: string; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A sample value as Prometheus writes it: a string (`"0.5"`, `"NaN"`, `"+Inf"`). */
function sampleValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/**
 * Reads a `/api/v1/query_range` (matrix) or `/api/v1/query` (vector, scalar) answer. An answer
 * that is not the API's shape is an error of type `bad_response` naming what was wrong.
 */
export function parsePromResponse(body: unknown): PromResult {
  if (!isObj(body)) return { ok: false, errorType: 'bad_response', error: 'the answer is not a JSON object' };
  if (body.status === 'error') return { ok: false, errorType: String(body.errorType ?? 'error'), error: String(body.error ?? 'Prometheus reported an error without a message') };
  if (body.status !== 'success') return { ok: false, errorType: 'bad_response', error: `unexpected status ${JSON.stringify(body.status)}` };
  const data = body.data;
  if (!isObj(data) || typeof data.resultType !== 'string') return { ok: false, errorType: 'bad_response', error: 'the answer has no data.resultType' };
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  const resultType = data.resultType;
  const result = data.result;
  if (resultType === 'scalar' || resultType === 'string') {
    const pair = Array.isArray(result) ? result : [];
    return { ok: true, resultType, series: [{ metric: {}, points: [[Number(pair[0]), sampleValue(pair[1])]] }], warnings };
  }
  if (!Array.isArray(result)) return { ok: false, errorType: 'bad_response', error: `data.result of a ${resultType} is not a list` };
  const series: PromSeries[] = [];
  for (const r of result) {
    if (!isObj(r)) continue;
    const metric: Record<string, string> = {};
    if (isObj(r.metric)) for (const [k, v] of Object.entries(r.metric)) metric[k] = String(v);
    const raw = resultType === 'matrix' ? r.values : [r.value];
    const points: Array<[number, number]> = [];
    if (Array.isArray(raw)) for (const p of raw) if (Array.isArray(p) && p.length >= 2) points.push([Number(p[0]), sampleValue(p[1])]);
    series.push({ metric, points });
  }
  return { ok: true, resultType, series, warnings };
}

/**
 * A series' values on the grid `start, start + step, …, end` (unix seconds): null where it has no
 * sample or its sample is NaN (e.g. histogram_quantile over no request).
 */
export function onGrid(points: ReadonlyArray<[number, number]>, start: number, end: number, step: number): Array<number | null> {
  const n = Math.max(0, Math.floor((end - start) / step + 1e-9) + 1);
  const out = new Array<number | null>(n).fill(null);
  for (const [t, v] of points) {
    const i = Math.round((t - start) / step);
    if (i >= 0 && i < n && Number.isFinite(v)) out[i] = v;
  }
  return out;
}
