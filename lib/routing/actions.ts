/**
 * What a matched HTTP route does to the request besides choosing a destination, as Envoy
 * applies Istio's translation: URI and authority rewrites (`prefix_rewrite`, `regex_rewrite`,
 * `host_rewrite_literal`), redirects (`RedirectAction`), direct responses, and fault injection.
 */
import type { HTTPFaultInjection, HTTPMatchRequest, HTTPRoute } from '../istio/types';
import { compileRegex } from './regex';
import type { RequestView } from './request';

export interface RewriteResult {
  /** `rewrite.uri` as configured. */
  uri?: string;
  authority?: string;
  uriRegexRewrite?: { match?: string; rewrite?: string };
  /** The path (with query) the backend receives. */
  path: string;
  /** The authority the backend receives. */
  host: string;
}

export interface RedirectResult {
  /** 301 unless `redirectCode` says otherwise. */
  code: number;
  location: string;
}

export interface FaultResult {
  delay?: { fixedDelay?: string; percent: number };
  abort?: { httpStatus?: number; grpcStatus?: string; percent: number };
  /** In words: "delays 5s for 10% of requests; aborts 50% of requests with HTTP 503". */
  description: string;
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** The length of the path Envoy takes as "matched" for `prefix_rewrite`: the prefix for prefix matches, else the whole path. */
function matchedPrefixLength(match: HTTPMatchRequest | undefined, path: string): number {
  const uri = match?.uri;
  if (!uri || (uri.exact === undefined && uri.prefix === undefined && uri.regex === undefined)) return 1; // prefix "/"
  if (uri.prefix !== undefined) return uri.prefix.length;
  return path.length;
}

/**
 * The rewrite a route applies, or undefined when it has none.
 *
 * Envoy swaps exactly the matched prefix, so prefix `/v1` with `uri: /` turns `/v1/x` into `//x`
 * and `/v10` into `/0`.
 *
 * @example applyRewrite({ rewrite: { uri: '/' } }, { uri: { prefix: '/v1' } }, view).path // '/' for GET /v1
 */
export function applyRewrite(route: HTTPRoute, match: HTTPMatchRequest | undefined, req: RequestView): RewriteResult | undefined {
  const rw = route.rewrite;
  if (!rw || (!rw.uri && !rw.authority && !rw.uriRegexRewrite)) return undefined;
  const out: RewriteResult = { path: withQuery(req.path, req.query), host: req.authority };
  if (rw.uriRegexRewrite?.match !== undefined) {
    out.uriRegexRewrite = rw.uriRegexRewrite;
    try {
      out.path = withQuery(compileRegex(rw.uriRegexRewrite.match).replaceAll(req.path, rw.uriRegexRewrite.rewrite ?? ''), req.query);
    } catch {
      // an invalid regex is rejected by validation; keep the path
    }
  } else if (rw.uri) {
    out.uri = rw.uri;
    const n = matchedPrefixLength(match, req.path);
    out.path = withQuery(rw.uri + req.path.slice(n), req.query);
  }
  if (rw.authority) {
    out.authority = rw.authority;
    out.host = rw.authority;
  }
  return out;
}

/**
 * The redirect a route answers with (`ApplyRedirect`): scheme, authority and port as
 * configured or from the request, `uri` replacing the path or `prefixRewrite` replacing the
 * matched prefix; the query is kept.
 *
 * @param listenPort the Gateway server's port (used by `derivePort: FROM_REQUEST_PORT`).
 */
export function applyRedirect(route: HTTPRoute, match: HTTPMatchRequest | undefined, req: RequestView, listenPort: number): RedirectResult | undefined {
  const r = route.redirect;
  if (!r) return undefined;
  const code = r.redirectCode || 301;
  const scheme = r.scheme || req.scheme;
  let port: number | undefined;
  if (r.port) port = r.port;
  else if (r.derivePort === 'FROM_REQUEST_PORT') port = listenPort;
  const explicitPort = port !== undefined;
  if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = undefined;
  // Without a port to set, Envoy keeps the request's authority (with any port) unless the host is replaced.
  const authority = r.authority || (explicitPort ? req.host : req.authority);
  let path = req.path;
  if (r.prefixRewrite !== undefined && r.prefixRewrite !== '') path = r.prefixRewrite + req.path.slice(matchedPrefixLength(match, req.path));
  else if (r.uri) path = r.uri;
  const query = path.includes('?') ? '' : req.query;
  return { code, location: `${scheme}://${authority}${port ? `:${port}` : ''}${withQuery(path, query)}` };
}

/**
 * Fault injection in words. Istio sends no fault for a missing `percentage` (0 %), and Envoy
 * only supports fixed delays.
 */
export function describeFault(fault: HTTPFaultInjection | undefined): FaultResult | undefined {
  if (!fault || (!fault.delay && !fault.abort)) return undefined;
  const out: FaultResult = { description: '' };
  const parts: string[] = [];
  if (fault.delay) {
    const percent = fault.delay.percentage?.value ?? fault.delay.percent ?? 0;
    out.delay = { percent };
    if (fault.delay.fixedDelay) out.delay.fixedDelay = fault.delay.fixedDelay;
    parts.push(
      fault.delay.fixedDelay
        ? `delays ${fault.delay.fixedDelay} for ${percent}% of requests`
        : 'has an exponential delay, which Istio does not support (no delay is applied)',
    );
  }
  if (fault.abort) {
    const percent = fault.abort.percentage?.value ?? 0;
    out.abort = { percent };
    if (fault.abort.httpStatus !== undefined) out.abort.httpStatus = fault.abort.httpStatus;
    if (fault.abort.grpcStatus !== undefined) out.abort.grpcStatus = fault.abort.grpcStatus;
    const what = fault.abort.httpStatus !== undefined ? `HTTP ${fault.abort.httpStatus}` : `gRPC ${fault.abort.grpcStatus ?? 'status'}`;
    parts.push(`aborts ${percent}% of requests with ${what}`);
  }
  out.description = parts.join('; ');
  return out;
}
