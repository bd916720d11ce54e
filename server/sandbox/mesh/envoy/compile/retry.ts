/**
 * HTTPRetry → Envoy RetryPolicy, as pilot's retry.ConvertPolicy (Istio 1.24+: no 503 in the
 * default retriable status codes).
 */
import { normalizeDuration } from '../duration';
import type { RetryPolicy } from '../types';

const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
const PREVIOUS_HOSTS = {
  name: 'envoy.retry_host_predicates.previous_hosts',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' },
};

const HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407,
  408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export interface HTTPRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
  retryRemoteLocalities?: boolean;
  retryIgnorePreviousHosts?: boolean;
  backoff?: string;
}

function defaultPolicy(hashPolicy: boolean): RetryPolicy {
  const p: RetryPolicy = { retry_on: DEFAULT_RETRY_ON, num_retries: 2 };
  if (!hashPolicy) p.retry_host_predicate = [PREVIOUS_HOSTS];
  p.host_selection_retry_max_attempts = '5';
  return p;
}

export function convertRetryPolicy(inp: HTTPRetry | undefined, hashPolicy: boolean): RetryPolicy | undefined {
  if (!inp) return defaultPolicy(hashPolicy);
  if ((inp.attempts ?? 0) <= 0) return undefined;
  const out: RetryPolicy = { retry_on: DEFAULT_RETRY_ON, num_retries: inp.attempts };
  if (inp.perTryTimeout) out.per_try_timeout = normalizeDuration(inp.perTryTimeout);
  let hostPredicate = !hashPolicy;
  if (inp.retryIgnorePreviousHosts !== undefined) hostPredicate = inp.retryIgnorePreviousHosts;
  if (hostPredicate) out.retry_host_predicate = [PREVIOUS_HOSTS];
  out.host_selection_retry_max_attempts = '5';
  if (inp.retryOn) {
    const codes: number[] = [];
    const parts: string[] = [];
    for (const raw of inp.retryOn.split(',')) {
      const part = raw.trim();
      if (!part) continue;
      const n = Number(part);
      if (Number.isInteger(n) && HTTP_STATUS.has(n)) codes.push(n);
      else parts.push(part);
    }
    out.retry_on = parts.join(',');
    if (codes.length) {
      out.retriable_status_codes = codes;
      if (!out.retry_on.includes('retriable-status-codes')) out.retry_on += (out.retry_on ? ',' : '') + 'retriable-status-codes';
    }
  }
  if (inp.backoff) out.retry_back_off = { base_interval: normalizeDuration(inp.backoff) };
  // Field-number order: retry_on, num_retries, per_try_timeout, retry_host_predicate, host_selection_retry_max_attempts, retriable_status_codes, retry_back_off.
  const ordered: RetryPolicy = { retry_on: out.retry_on, num_retries: out.num_retries };
  if (out.per_try_timeout) ordered.per_try_timeout = out.per_try_timeout;
  if (out.retry_host_predicate) ordered.retry_host_predicate = out.retry_host_predicate;
  ordered.host_selection_retry_max_attempts = out.host_selection_retry_max_attempts;
  if (out.retriable_status_codes) ordered.retriable_status_codes = out.retriable_status_codes;
  if (out.retry_back_off) ordered.retry_back_off = out.retry_back_off;
  return ordered;
}
