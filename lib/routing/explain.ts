/**
 * Why a route's match block matched a request, in words: the counterpart of the reasons
 * `evaluateMatch` gives for the routes that did not.
 */
import type { HTTPMatchRequest } from '../istio/types';
import { describeMatch, isPresenceMatch, noMatchType } from './match';
import type { RequestView } from './request';

/**
 * One sentence per condition of the match block; a prefix that stops in the middle of a path
 * segment gets a warning (Istio's prefixes are string prefixes: `/v1` matches `/v10`).
 *
 * @example explainMatch({ uri: { prefix: '/v1' } }, view('/v10'))
 * // ['uri prefix /v1 matches /v10: a prefix is compared character by character, not by path segment, so /v10 matches as well as /v1/…']
 */
export function explainMatch(m: HTTPMatchRequest | undefined, req: RequestView): string[] {
  if (!m) return ['the route has no match conditions: it takes every request'];
  const out: string[] = [];
  const uri = m.uri;
  if (uri && !noMatchType(uri)) {
    if (uri.prefix !== undefined) {
      const rest = req.path.slice(uri.prefix.length);
      const midSegment = uri.prefix !== '' && !uri.prefix.endsWith('/') && rest !== '' && !rest.startsWith('/');
      out.push(
        midSegment
          ? `uri prefix ${uri.prefix} matches ${req.path}: a prefix is compared character by character, not by path segment, so ${req.path} matches as well as ${uri.prefix}/…`
          : uri.prefix === '/'
            ? `uri prefix / matches every path`
            : `uri prefix ${uri.prefix} matches ${req.path}`,
      );
    } else if (uri.exact !== undefined) out.push(`uri exact ${uri.exact} is the path`);
    else out.push(`uri regex ${uri.regex} matches the whole path ${req.path}`);
  }
  if (m.method) out.push(`method ${req.method} matches`);
  if (m.authority) out.push(`authority ${req.authority} matches`);
  for (const name of Object.keys(m.headers ?? {}).sort()) {
    const sm = m.headers![name]!;
    out.push(isPresenceMatch(sm) ? `header ${name} is present` : `header ${name}: '${req.headers.get(name) ?? ''}' matches`);
  }
  for (const name of Object.keys(m.withoutHeaders ?? {}).sort()) out.push(`header ${name} is not ${isPresenceMatch(m.withoutHeaders![name]) ? 'present' : 'matching'}`);
  for (const name of Object.keys(m.queryParams ?? {}).sort()) out.push(`query parameter ${name}: '${req.queryParams.get(name)?.[0] ?? ''}' matches`);
  if (out.length === 0) out.push(`${describeMatch(m)}: every request matches`);
  return out;
}
