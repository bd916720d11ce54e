/**
 * One `HTTPMatchRequest` against one request, with Istio's translation to Envoy's route match
 * (`pilot/pkg/networking/core/route/route.go` `TranslateRouteMatch`) and Envoy's evaluation:
 *
 * - `uri`: exact / prefix / regex on the path without query (regex: RE2, whole path);
 *   `ignoreUriCase` applies to exact and prefix only;
 * - `headers`: exact / prefix / regex on the header value; an empty match (`{}`) or regex `*`
 *   means "present"; a missing header never matches;
 * - `withoutHeaders`: the inverse, with a missing header read as empty (Envoy
 *   `treat_missing_header_as_empty`), so a missing header satisfies it;
 * - `queryParams`: exact / regex on the first value (`{}` or regex `*`: present);
 * - `method`, `authority`, `scheme`: matches on `:method`, `:authority` (as sent, with any
 *   port), `:scheme`;
 * - all conditions AND-ed; the reasons say, in words, every condition that failed.
 *
 * `port`, `gateways`, `sourceLabels` and `sourceNamespace` are decided when istiod builds the
 * gateway's routes, not per request: see `virtual-hosts.ts`.
 */
import type { HTTPMatchRequest, StringMatch } from '../istio/types';
import { compileRegex, RegexError } from './regex';
import type { RequestView } from './request';

/** The StringMatch names no match type (`{}`). */
export const noMatchType = (m: StringMatch) => m.exact === undefined && m.prefix === undefined && m.regex === undefined;

/** The match is Envoy `present_match` (Istio: empty StringMatch, or regex `*`). */
export function isPresenceMatch(m: StringMatch | undefined): boolean {
  return !m || (m.exact === undefined && m.prefix === undefined && m.regex === undefined) || m.regex === '*';
}

/** `exact 'true'`, `prefix '/v1'`, `regex '^/v[0-9]+$'`, `present`. */
export function describeStringMatch(m: StringMatch | undefined): string {
  if (isPresenceMatch(m)) return 'present';
  if (m!.exact !== undefined) return `exact '${m!.exact}'`;
  if (m!.prefix !== undefined) return `prefix '${m!.prefix}'`;
  return `regex '${m!.regex}'`;
}

/**
 * Envoy's StringMatcher: exact, prefix, or RE2 full match. `ignoreCase` applies to exact and
 * prefix. A regex RE2 rejects never matches.
 */
export function stringMatches(m: StringMatch, value: string, ignoreCase = false): boolean {
  if (m.exact !== undefined) return ignoreCase ? value.toLowerCase() === m.exact.toLowerCase() : value === m.exact;
  if (m.prefix !== undefined) return ignoreCase ? value.toLowerCase().startsWith(m.prefix.toLowerCase()) : value.startsWith(m.prefix);
  if (m.regex !== undefined) {
    try {
      return compileRegex(m.regex).fullMatch(value);
    } catch (e) {
      if (e instanceof RegexError) return false;
      throw e;
    }
  }
  return true;
}

/** Names of JWT-claim "headers" (`@request.auth.claims.x`), which Istio turns into metadata matches. */
const isClaim = (name: string) => name.startsWith('@request.auth.claims');

/**
 * `route.IsCatchAllRoute` of the translated match: the path matcher is prefix `/` (also when
 * there is no `uri`) or regex `.*`, and there are no header (incl. method, authority, scheme,
 * withoutHeaders) or query parameter matchers. Istio drops the rest of a VirtualService's routes
 * after a catch-all, and moves catch-alls to the end of a merged virtual host.
 */
export function isCatchAllMatch(m: HTTPMatchRequest | undefined): boolean {
  if (!m) return true;
  const uri = m.uri;
  const pathCatchAll = !uri || noMatchType(uri) || uri.prefix === '/' || uri.regex === '.*';
  const noHeaders =
    Object.keys(m.headers ?? {}).length === 0 &&
    Object.keys(m.withoutHeaders ?? {}).length === 0 &&
    !m.method &&
    !m.authority &&
    !m.scheme &&
    Object.keys(m.queryParams ?? {}).length === 0;
  return pathCatchAll && noHeaders;
}

export interface MatchOutcome {
  matched: boolean;
  /** Why it did not match, one sentence per failing condition (empty when matched). */
  reasons: string[];
}

const quote = (v: string) => `'${v}'`;

function checkUri(m: StringMatch, req: RequestView, ignoreCase: boolean): string | undefined {
  if (noMatchType(m)) return undefined;
  const p = req.path;
  if (stringMatches(m, p, ignoreCase)) return undefined;
  const kind = m.exact !== undefined ? `exact ${m.exact}` : m.prefix !== undefined ? `prefix ${m.prefix}` : `regex ${m.regex}`;
  const cs = ignoreCase && m.regex === undefined ? ' (ignoring case)' : '';
  if (m.regex !== undefined) {
    try {
      compileRegex(m.regex);
    } catch (e) {
      return `uri ${kind} is not a valid RE2 expression (${(e as Error).message}), so it never matches`;
    }
    return `uri ${kind} does not match ${p} (the whole path must match)`;
  }
  return `uri ${kind}${cs} does not match ${p}`;
}

function checkValue(label: string, m: StringMatch, actual: string | undefined, noneText = 'none'): string | undefined {
  if (isPresenceMatch(m)) return actual === undefined ? `${label}: expected to be present, request has ${noneText}` : undefined;
  if (actual === undefined) return `${label}: expected ${describeStringMatch(m)}, request has ${noneText}`;
  if (stringMatches(m, actual)) return undefined;
  return `${label}: expected ${describeStringMatch(m)}, request has ${quote(actual)}`;
}

function checkWithout(name: string, m: StringMatch, actual: string | undefined): string | undefined {
  if (isPresenceMatch(m)) return actual === undefined ? undefined : `withoutHeaders ${name}: the request has header ${name} (${quote(actual)})`;
  const v = actual ?? '';
  if (!stringMatches(m, v)) return undefined;
  return actual === undefined
    ? `withoutHeaders ${name}: a missing header counts as empty, and '' matches ${describeStringMatch(m)}`
    : `withoutHeaders ${name}: request has ${quote(actual)}, which matches ${describeStringMatch(m)}`;
}

/**
 * Evaluates one match block against a request.
 *
 * @example evaluateMatch({ uri: { prefix: '/v1' } }, view).reasons // ['uri prefix /v1 does not match /status/418']
 */
export function evaluateMatch(m: HTTPMatchRequest, req: RequestView): MatchOutcome {
  const reasons: string[] = [];
  const push = (r: string | undefined) => {
    if (r) reasons.push(r);
  };
  if (m.uri) push(checkUri(m.uri, req, m.ignoreUriCase === true));
  if (m.method) push(checkValue('method', m.method, req.method)?.replace(`request has ${quote(req.method)}`, `request is ${req.method}`));
  if (m.authority) push(checkValue('authority', m.authority, req.authority));
  if (m.scheme) push(checkValue('scheme', m.scheme, req.scheme));
  for (const name of Object.keys(m.headers ?? {}).sort()) {
    const sm = m.headers![name]!;
    if (isClaim(name)) {
      reasons.push(`header ${name}: JWT claim matches need a token validated by a RequestAuthentication; the simulator does not validate tokens`);
      continue;
    }
    push(checkValue(`header ${name}`, sm, req.headers.get(name.toLowerCase())));
  }
  for (const name of Object.keys(m.withoutHeaders ?? {}).sort()) {
    if (isClaim(name)) continue; // an unvalidated request has no claims, so "without claim" holds
    push(checkWithout(name, m.withoutHeaders![name]!, req.headers.get(name.toLowerCase())));
  }
  for (const name of Object.keys(m.queryParams ?? {}).sort()) {
    const sm = m.queryParams![name]!;
    if (sm.prefix !== undefined && sm.exact === undefined && sm.regex === undefined) {
      reasons.push(`query parameter ${name}: prefix matches are not supported by Istio for query parameters, so this never matches`);
      continue;
    }
    push(checkValue(`query parameter ${name}`, sm, req.queryParams.get(name)?.[0]));
  }
  return { matched: reasons.length === 0, reasons };
}

/** A short description of a match block for labels (`uri prefix /v1, header x-canary exact 'true'`). */
export function describeMatch(m: HTTPMatchRequest | undefined): string {
  if (!m) return 'every request';
  const parts: string[] = [];
  if (m.uri) parts.push(noMatchType(m.uri) ? 'any uri' : `uri ${describeStringMatch(m.uri).replace(/'/g, '')}${m.ignoreUriCase ? ' (any case)' : ''}`);
  if (m.method) parts.push(`method ${describeStringMatch(m.method)}`);
  if (m.authority) parts.push(`authority ${describeStringMatch(m.authority)}`);
  if (m.scheme) parts.push(`scheme ${describeStringMatch(m.scheme)}`);
  for (const [k, v] of Object.entries(m.headers ?? {})) parts.push(`header ${k} ${describeStringMatch(v)}`);
  for (const [k, v] of Object.entries(m.withoutHeaders ?? {})) parts.push(`without header ${k} ${describeStringMatch(v)}`);
  for (const [k, v] of Object.entries(m.queryParams ?? {})) parts.push(`query ${k} ${describeStringMatch(v)}`);
  if (m.port) parts.push(`port ${m.port}`);
  if (m.gateways?.length) parts.push(`gateways ${m.gateways.join(', ')}`);
  if (m.sourceLabels && Object.keys(m.sourceLabels).length) {
    parts.push(`sourceLabels ${Object.entries(m.sourceLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  }
  if (m.sourceNamespace) parts.push(`sourceNamespace ${m.sourceNamespace}`);
  return parts.length ? parts.join(', ') : 'every request';
}
