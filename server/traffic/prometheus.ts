/**
 * A small client of Prometheus's HTTP API (`/api/v1/query_range`, `/api/v1/query`): one bounded
 * request per query, answers read by lib/traffic/prometheus, and errors that say what went wrong
 * (bad URL, unreachable, timeout, Prometheus's own `error` text on 4xx/5xx).
 *
 * @example
 *   const prom = new PrometheusClient('http://127.0.0.1:9090');
 *   const r = await prom.queryRange('sum(rate(istio_requests_total[1m]))', start, end, 15);
 */
import { parsePromResponse, type PromSeries } from '../../lib/traffic/prometheus';

export class PrometheusError extends Error {
  constructor(
    message: string,
    /** HTTP status of Prometheus's answer; 0 when none came (unreachable, timeout). */
    readonly status = 0,
    /** Prometheus's errorType (`bad_data`, `execution`, `timeout`…) or ours (`unreachable`, `timeout`, `bad_response`). */
    readonly errorType = 'unreachable',
  ) {
    super(message);
  }
}

export interface PromAnswer {
  series: PromSeries[];
  warnings: string[];
}

export interface PrometheusClientOptions {
  /** Per request (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Reads `--prometheus-url`: http(s), no query or fragment; a path prefix is kept (Prometheus behind
 * `--web.route-prefix` or a proxy); `user:password@` becomes a basic Authorization header.
 */
export function parsePrometheusUrl(raw: string): { base: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`--prometheus-url "${raw}" is not a URL (expected e.g. http://prometheus.istio-system:9090)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--prometheus-url "${raw}" must start with http:// or https:// (e.g. http://prometheus.istio-system:9090)`);
  if (u.search || u.hash) throw new Error(`--prometheus-url "${raw}" must not have a query or fragment`);
  const authorization = u.username || u.password ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : undefined;
  u.username = '';
  u.password = '';
  return { base: u.toString().replace(/\/+$/, ''), ...(authorization ? { authorization } : {}) };
}

export class PrometheusClient {
  readonly base: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(url: string, opts: PrometheusClientOptions = {}) {
    const p = parsePrometheusUrl(url);
    this.base = p.base;
    this.authorization = p.authorization;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** `/api/v1/query_range` (unix seconds, step in seconds): the matrix's series. */
  queryRange(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<PromAnswer> {
    return this.call('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) }, signal);
  }

  /** `/api/v1/query` at `time` (unix seconds; default: Prometheus's now). */
  query(query: string, time?: number, signal?: AbortSignal): Promise<PromAnswer> {
    return this.call('/api/v1/query', { query, ...(time !== undefined ? { time: String(time) } : {}) }, signal);
  }

  private async call(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<PromAnswer> {
    const url = `${this.base}${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      // POST with a form body, as Grafana does: long PromQL stays out of the URL.
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
        body: new URLSearchParams(params).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'follow',
      });
    } catch (err) {
      if (timeout.aborted) throw new PrometheusError(`Prometheus at ${this.base} did not answer within ${this.timeoutMs / 1000} s`, 0, 'timeout');
      if (signal?.aborted) throw new PrometheusError('the query was cancelled', 0, 'cancelled');
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ? `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}` : (cause?.message ?? (err as Error).message);
      throw new PrometheusError(`Prometheus at ${this.base} is unreachable: ${why}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new PrometheusError(`Prometheus at ${this.base} cut its answer: ${(err as Error).message}`, res.status, timeout.aborted ? 'timeout' : 'unreachable');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const excerpt = text.trim().slice(0, 200);
      throw new PrometheusError(
        `${url} answered HTTP ${res.status} without the Prometheus API's JSON${excerpt ? `: ${excerpt}` : ''} (is --prometheus-url the Prometheus server, without /api/v1?)`,
        res.status,
        'bad_response',
      );
    }
    const parsed = parsePromResponse(body);
    if (!parsed.ok) throw new PrometheusError(`Prometheus answered HTTP ${res.status}: ${parsed.errorType}: ${parsed.error}`, res.status, parsed.errorType);
    if (!res.ok) throw new PrometheusError(`Prometheus answered HTTP ${res.status}`, res.status, 'bad_response');
    return { series: parsed.series, warnings: parsed.warnings };
  }
}
