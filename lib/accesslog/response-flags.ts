/**
 * Envoy's `%RESPONSE_FLAGS%` (short codes such as `UH`, `URX`) and `%RESPONSE_FLAGS_LONG%`
 * (PascalCase names such as `NoHealthyUpstream`).
 *
 * The list and its order follow Envoy's `ResponseFlagUtils::CORE_RESPONSE_FLAGS`
 * (source/common/stream_info/utility.h); the order is the one Envoy uses when it joins several
 * flags with `,`. Meanings are paraphrased from Envoy's access-log documentation
 * (configuration/observability/access_log/usage), with the Istio-gateway reading where it helps.
 */

export type ResponseFlagScope = 'http' | 'http-and-tcp';

export interface ResponseFlagInfo {
  /** Short code as printed by `%RESPONSE_FLAGS%`, e.g. `UH`. */
  code: string;
  /** Long name as printed by `%RESPONSE_FLAGS_LONG%`, e.g. `NoHealthyUpstream`. */
  name: string;
  /** One sentence: what happened. */
  meaning: string;
  /** Envoy documents the flag for HTTP only, or for HTTP and TCP. */
  scope: ResponseFlagScope;
  /** The response code Envoy sends along with the flag, when the docs name one. */
  responseCode?: number;
  /** False for a code that is not a core Envoy flag (see `describeFlags`). */
  known: boolean;
}

const flag = (code: string, name: string, scope: ResponseFlagScope, meaning: string, responseCode?: number): ResponseFlagInfo =>
  responseCode === undefined ? { code, name, meaning, scope, known: true } : { code, name, meaning, scope, responseCode, known: true };

/** Every core Envoy response flag, in Envoy's join order. */
export const RESPONSE_FLAGS: readonly ResponseFlagInfo[] = [
  flag('LH', 'FailedLocalHealthCheck', 'http', 'The local service failed its health check, so Envoy answered 503 itself.', 503),
  flag('UH', 'NoHealthyUpstream', 'http-and-tcp', 'The upstream cluster had no healthy host to send the request to (503): no endpoints, or all of them ejected or unhealthy.', 503),
  flag('UT', 'UpstreamRequestTimeout', 'http', 'The upstream did not answer within the route timeout, so Envoy answered 504.', 504),
  flag('LR', 'LocalReset', 'http', 'Envoy reset the connection locally (503).', 503),
  flag('UR', 'UpstreamRemoteReset', 'http', 'The upstream reset the stream before a complete response (503).', 503),
  flag('UF', 'UpstreamConnectionFailure', 'http-and-tcp', 'Envoy could not connect to the upstream host (503): refused, unreachable, or a TLS/mTLS handshake failure.', 503),
  flag('UC', 'UpstreamConnectionTermination', 'http', 'The upstream connection was closed while the request was in flight (503).', 503),
  flag('UO', 'UpstreamOverflow', 'http-and-tcp', 'A circuit breaker (connection/request/pending limits) tripped, so the request was rejected with 503.', 503),
  flag('NR', 'NoRouteFound', 'http-and-tcp', 'No route matched the request (404), or no filter chain matched a downstream connection: on a gateway, usually no Gateway server or VirtualService for this host/port.', 404),
  flag('DI', 'DelayInjected', 'http', 'The request was delayed by fault injection.'),
  flag('FI', 'FaultInjected', 'http', 'The request was aborted with a status chosen by fault injection.'),
  flag('RL', 'RateLimited', 'http', 'The request was rate-limited locally by the HTTP rate limit filter (429).', 429),
  flag('UAEX', 'UnauthorizedExternalService', 'http', 'The external authorization service denied the request.'),
  flag('RLSE', 'RateLimitServiceError', 'http', 'The request was rejected because the rate limit service returned an error.'),
  flag('DC', 'DownstreamConnectionTermination', 'http', 'The client closed the connection before the response was complete.'),
  flag('URX', 'UpstreamRetryLimitExceeded', 'http-and-tcp', 'The upstream retry limit (HTTP) or the maximum connect attempts (TCP) was reached.'),
  flag('SI', 'StreamIdleTimeout', 'http', 'The stream idle timeout fired (408 or 504).'),
  flag('IH', 'InvalidEnvoyRequestHeaders', 'http', 'A strictly checked x-envoy-* request header had an invalid value (400).', 400),
  flag('DPE', 'DownstreamProtocolError', 'http', 'The downstream request had an HTTP protocol error.'),
  flag('UMSDR', 'UpstreamMaxStreamDurationReached', 'http', 'The upstream request reached its maximum stream duration.'),
  flag('RFCF', 'ResponseFromCacheFilter', 'http', 'The response was served from an Envoy cache filter.'),
  flag('NFCF', 'NoFilterConfigFound', 'http', 'A filter configuration (ECDS) was not received within its warming deadline, so the request was terminated.'),
  flag('DT', 'DurationTimeout', 'http-and-tcp', 'The request or connection exceeded max_connection_duration or max_downstream_connection_duration.'),
  flag('UPE', 'UpstreamProtocolError', 'http', 'The upstream response had an HTTP protocol error.'),
  flag('NC', 'NoClusterFound', 'http-and-tcp', 'The route pointed at an upstream cluster that does not exist (yet) in the proxy configuration.'),
  flag('OM', 'OverloadManagerTerminated', 'http', 'The overload manager terminated the request.'),
  flag('DF', 'DnsResolutionFailed', 'http', 'The request was terminated because DNS resolution failed.'),
  flag('DO', 'DropOverload', 'http', 'The request was dropped (503) by the endpoint drop_overloads policy.', 503),
  flag('DR', 'DownstreamRemoteReset', 'http', 'The client reset the stream (response details http2.remote_reset or http2.remote_refuse).'),
  flag('UDO', 'UnconditionalDropOverload', 'http', 'The request was dropped (503) because drop_overloads is set to 100%.', 503),
];

const byCode = new Map<string, ResponseFlagInfo>();
const byName = new Map<string, ResponseFlagInfo>();
for (const f of RESPONSE_FLAGS) {
  byCode.set(f.code, f);
  byName.set(f.name, f);
}

/** The flag with this short code or long name, or undefined. */
export function responseFlag(codeOrName: string): ResponseFlagInfo | undefined {
  return byCode.get(codeOrName) ?? byName.get(codeOrName);
}

/** Split a `%RESPONSE_FLAGS%` value into codes; `-`, empty and undefined give []. */
export function splitFlags(value: string | undefined): string[] {
  if (value === undefined || value === '' || value === '-') return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const p = part.trim();
    if (p && p !== '-') out.push(p);
  }
  return out;
}

/**
 * Describe every flag of a `%RESPONSE_FLAGS%` (or `%RESPONSE_FLAGS_LONG%`) value, in the order
 * given: `describeFlags('UH,URX')`. A code Envoy's core does not define (a custom flag an
 * extension registered, or one from a newer Envoy) comes back with `known: false`.
 */
export function describeFlags(value: string | undefined): ResponseFlagInfo[] {
  return splitFlags(value).map(
    (code) =>
      responseFlag(code) ?? {
        code,
        name: code,
        meaning: 'Not a core Envoy response flag: a custom flag registered by an extension, or one from a newer Envoy.',
        scope: 'http',
        known: false,
      },
  );
}

const order = new Map(RESPONSE_FLAGS.map((f, i) => [f.code, i] as const));

/**
 * Join flag codes the way Envoy prints them: deduplicated, in Envoy's order, `,`-separated;
 * `-` when there is none. Unknown codes keep their relative order after the known ones.
 */
export function formatFlags(codes: readonly string[]): string {
  const uniq = [...new Set(codes.map((c) => responseFlag(c)?.code ?? c))];
  if (uniq.length === 0) return '-';
  const rank = (c: string) => order.get(c) ?? RESPONSE_FLAGS.length;
  return uniq
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c)
    .join(',');
}
