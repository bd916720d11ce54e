/**
 * Envoy's HTTP routing over an RDS RouteConfiguration: virtual host selection by :authority
 * (exact domain, then the longest suffix wildcard, then the longest prefix wildcard, then `*`;
 * case-insensitive; port ignored with ignore_port_in_host_matching), then the first route whose
 * match (path specifier, headers, query parameters) accepts the request.
 */
import type { HeaderMatcher, QueryParameterMatcher, Route, RouteConfiguration, StringMatcher, VirtualHost } from '../types';
import { compileRegex, type CompiledRegex } from './regex';

export interface MatchRequest {
  method: string;
  /** :path, with the query string. */
  path: string;
  authority: string;
  scheme: string;
  /** Lower-cased header names (Node's IncomingMessage.headers). */
  headers: Record<string, string | string[] | undefined>;
}

type Pred = (r: MatchRequest, pathOnly: string, query: URLSearchParams) => boolean;

export interface CompiledRoute {
  route: Route;
  matches: Pred;
  regexRewrite?: { re: CompiledRegex; substitution: string };
}

export interface CompiledVirtualHost {
  vhost: VirtualHost;
  routes: CompiledRoute[];
}

export interface CompiledRouteConfig {
  config: RouteConfiguration;
  exact: Map<string, CompiledVirtualHost>;
  suffix: Array<{ suffix: string; vh: CompiledVirtualHost }>;
  prefix: Array<{ prefix: string; vh: CompiledVirtualHost }>;
  any?: CompiledVirtualHost;
  ignorePort: boolean;
}

function compileStringMatcher(m: StringMatcher): (v: string) => boolean {
  const ic = !!m.ignore_case;
  const norm = (s: string) => (ic ? s.toLowerCase() : s);
  if (m.exact !== undefined) return (v) => norm(v) === norm(m.exact!);
  if (m.prefix !== undefined) return (v) => norm(v).startsWith(norm(m.prefix!));
  if (m.suffix !== undefined) return (v) => norm(v).endsWith(norm(m.suffix!));
  if (m.contains !== undefined) return (v) => norm(v).includes(norm(m.contains!));
  if (m.safe_regex) {
    const re = compileRegex(m.safe_regex.regex);
    return (v) => re.fullMatch(v);
  }
  return () => true;
}

export function headerValue(r: MatchRequest, name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === ':method') return r.method;
  if (n === ':path') return r.path;
  if (n === ':authority' || n === 'host') return r.authority;
  if (n === ':scheme') return r.scheme;
  const v = r.headers[n];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function compileHeaderMatcher(h: HeaderMatcher): Pred {
  const valueMatch = h.string_match ? compileStringMatcher(h.string_match) : undefined;
  const invert = !!h.invert_match;
  return (r) => {
    let v = headerValue(r, h.name);
    if (v === undefined) {
      if (!h.treat_missing_header_as_empty) {
        if (h.present_match !== undefined) return invert ? h.present_match : !h.present_match;
        return false;
      }
      v = '';
    }
    let ok: boolean;
    if (h.present_match !== undefined) ok = h.present_match;
    else if (valueMatch) ok = valueMatch(v);
    else ok = true;
    return ok !== invert;
  };
}

function compileQueryMatcher(q: QueryParameterMatcher): Pred {
  const valueMatch = q.string_match ? compileStringMatcher(q.string_match) : undefined;
  return (_r, _p, query) => {
    const v = query.get(q.name);
    if (v === null) return false;
    if (q.present_match) return true;
    return valueMatch ? valueMatch(v) : true;
  };
}

export function compileRoute(route: Route): CompiledRoute {
  const m = route.match;
  const cs = m.case_sensitive !== false;
  const preds: Pred[] = [];
  if (m.prefix !== undefined) {
    const p = cs ? m.prefix : m.prefix.toLowerCase();
    preds.push((r) => (cs ? r.path : r.path.toLowerCase()).startsWith(p));
  } else if (m.path !== undefined) {
    const p = cs ? m.path : m.path.toLowerCase();
    preds.push((_r, pathOnly) => (cs ? pathOnly : pathOnly.toLowerCase()) === p);
  } else if (m.path_separated_prefix !== undefined) {
    const p = m.path_separated_prefix;
    preds.push((_r, pathOnly) => {
      const v = cs ? pathOnly : pathOnly.toLowerCase();
      const pp = cs ? p : p.toLowerCase();
      return v === pp || v.startsWith(pp.endsWith('/') ? pp : pp + '/');
    });
  } else if (m.safe_regex) {
    const re = compileRegex(m.safe_regex.regex);
    preds.push((_r, pathOnly) => re.fullMatch(pathOnly));
  }
  for (const h of m.headers ?? []) preds.push(compileHeaderMatcher(h));
  for (const q of m.query_parameters ?? []) preds.push(compileQueryMatcher(q));
  const out: CompiledRoute = { route, matches: (r, p, q) => preds.every((f) => f(r, p, q)) };
  const rr = route.route?.regex_rewrite;
  if (rr) out.regexRewrite = { re: compileRegex(rr.pattern.regex), substitution: rr.substitution };
  return out;
}

/** Compiles a route configuration; throws (RegexError) when a regex is not valid RE2. */
export function compileRouteConfig(config: RouteConfiguration): CompiledRouteConfig {
  const out: CompiledRouteConfig = { config, exact: new Map(), suffix: [], prefix: [], ignorePort: !!config.ignore_port_in_host_matching };
  for (const vhost of config.virtual_hosts ?? []) {
    const vh: CompiledVirtualHost = { vhost, routes: (vhost.routes ?? []).map(compileRoute) };
    for (const raw of vhost.domains) {
      const d = raw.toLowerCase();
      if (d === '*') {
        if (out.any) throw new Error(`Only a single wildcard domain is permitted in route ${config.name}`);
        out.any = vh;
      } else if (d.startsWith('*')) out.suffix.push({ suffix: d.slice(1), vh });
      else if (d.endsWith('*')) out.prefix.push({ prefix: d.slice(0, -1), vh });
      else {
        if (out.exact.has(d)) throw new Error(`Only unique values for domains are permitted. Duplicate entry of domain ${d} in route ${config.name}`);
        out.exact.set(d, vh);
      }
    }
  }
  out.suffix.sort((a, b) => b.suffix.length - a.suffix.length);
  out.prefix.sort((a, b) => b.prefix.length - a.prefix.length);
  return out;
}

export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end >= 0 ? host.slice(0, end + 1) : host;
  }
  const i = host.lastIndexOf(':');
  return i >= 0 && /^\d*$/.test(host.slice(i + 1)) ? host.slice(0, i) : host;
}

export function selectVirtualHost(rc: CompiledRouteConfig, authority: string): CompiledVirtualHost | undefined {
  let host = authority.toLowerCase();
  if (rc.ignorePort) host = stripPort(host);
  const exact = rc.exact.get(host);
  if (exact) return exact;
  for (const s of rc.suffix) if (host.endsWith(s.suffix) && host.length > s.suffix.length) return s.vh;
  for (const p of rc.prefix) if (host.startsWith(p.prefix) && host.length > p.prefix.length) return p.vh;
  return rc.any;
}

export function splitPath(path: string): { pathOnly: string; query: URLSearchParams; queryString: string } {
  const q = path.indexOf('?');
  const pathOnly = q >= 0 ? path.slice(0, q) : path;
  const queryString = q >= 0 ? path.slice(q + 1) : '';
  return { pathOnly, query: new URLSearchParams(queryString), queryString };
}

export function matchRoute(vh: CompiledVirtualHost, r: MatchRequest): CompiledRoute | undefined {
  const { pathOnly, query } = splitPath(r.path);
  for (const cr of vh.routes) if (cr.matches(r, pathOnly, query)) return cr;
  return undefined;
}
