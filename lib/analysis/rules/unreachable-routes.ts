/**
 * Shadowed and unreachable VirtualService routes — IST0130 (a rule never used) and IST0131 (a
 * match never used), as istiod's VirtualService validation reports them through istioctl analyze
 * (port of istio/istio `pkg/config/validation/validation.go` `analyzeUnreachableHTTPRules`,
 * `analyzeUnreachableTCPRules`, `analyzeUnreachableTLSRules`, `coveredValidation`).
 *
 * - a rule without matches catches everything: any later rule is unreachable;
 * - a match identical to an earlier one (ignoring its name) is ineffective; a rule whose matches
 *   are all duplicates is unreachable;
 * - an HTTP prefix match covered by an earlier, shorter prefix with the same port, method,
 *   authority, headers, query parameters and withoutHeaders is ineffective.
 */
import { arr, isObj, num, obj, str, specOf, type Json } from '../support/objects';
import type { Analyzer, AnalyzerContext, KubeObject } from '../types';
import { goQuote } from '../../kube/field-errors';

/** Go's `json.Marshal` of a proto message: zero values omitted, map keys sorted. */
export function canonicalMatch(v: unknown, dropName = false): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) {
      const a = x.map(norm).filter((y) => y !== undefined);
      return a.length ? a : undefined;
    }
    if (isObj(x)) {
      const o: Json = {};
      for (const k of Object.keys(x).sort()) {
        if (dropName && x === v && k === 'name') continue;
        const y = norm(x[k]);
        if (y !== undefined) o[k] = y;
      }
      return Object.keys(o).length ? o : undefined;
    }
    if (x === '' || x === false || x === 0 || x === null || x === undefined) return undefined;
    return x;
  };
  return JSON.stringify(norm(v) ?? {});
}

const routeName = (route: Json, i: number, http: boolean) => (http && str(route.name) ? goQuote(str(route.name)) : `#${i}`);
const requestName = (m: Json, j: number, http: boolean) => (http && str(m.name) ? goQuote(str(m.name)) : `#${j}`);

const exactOrPrefix = (m: unknown): string => {
  const o = obj(m);
  if (str(o.exact)) return `exact:${str(o.exact)}`;
  if (str(o.prefix)) return `prefix:${str(o.prefix)}`;
  return '';
};

interface PrefixMatch {
  route: string;
  match: string;
  rule: number;
  matchIndex: number;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

function prefixMatch(route: Json, m: Json, i: number, j: number): PrefixMatch | undefined {
  const prefix = str(obj(m.uri).prefix);
  if (!isObj(m.uri) || prefix === '') return undefined;
  const kv = (x: unknown) => new Map(Object.entries(obj(x)).map(([k, v]) => [k, exactOrPrefix(v)]));
  return {
    route: routeName(route, i, true),
    match: requestName(m, j, true),
    rule: i,
    matchIndex: j,
    prefix,
    port: num(m.port),
    method: exactOrPrefix(m.method) || 'exact:GET',
    authority: exactOrPrefix(m.authority),
    headers: kv(m.headers),
    queryParams: kv(m.queryParams),
    withoutHeaders: kv(m.withoutHeaders),
  };
}

function sameOrPrefix(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || (v !== w && !v.startsWith(w))) return false;
  }
  return true;
}

/** `coveredValidation(vA, vB)`: the earlier match `a` covers the later `b`. */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (b.port !== a.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return sameOrPrefix(a.headers, b.headers) && sameOrPrefix(a.queryParams, b.queryParams) && sameOrPrefix(a.withoutHeaders, b.withoutHeaders);
}

function analyzeRoutes(ctx: AnalyzerContext, vs: KubeObject, kind: 'http' | 'tcp' | 'tls'): void {
  const http = kind === 'http';
  const routes = arr(specOf(vs)[kind]);
  const seen = new Map<string, number>();
  let empty = -1;
  const prefixes: PrefixMatch[] = [];
  const unused = (i: number, reason: string) =>
    ctx.report('IST0130', vs, [routeName(obj(routes[i]), i, http), reason], {
      path: `spec.${kind}[${i}]`,
      fix: 'Reorder the rules (most specific first) or remove the unreachable one.',
    });
  routes.forEach((r, i) => {
    if (!isObj(r)) return;
    const matches = arr(r.match);
    if (matches.length === 0) {
      if (empty >= 0) unused(i, 'only the last rule can have no matches');
      empty = i;
      return;
    }
    let dups = 0;
    matches.forEach((mm, j) => {
      const m = obj(mm);
      if (empty >= 0) {
        unused(i, 'route without matches defined before');
        return;
      }
      const key = canonicalMatch(m, http);
      const prev = seen.get(key);
      if (prev !== undefined) {
        ctx.report('IST0131', vs, [routeName(r, i, http), requestName(m, j, http), routeName(obj(routes[prev]), prev, http)], {
          path: `spec.${kind}[${i}].match[${j}]`,
        });
        dups++;
        return;
      }
      seen.set(key, i);
      if (http) {
        const p = prefixMatch(r, m, i, j);
        if (p) prefixes.push(p);
      }
    });
    if (dups === matches.length) unused(i, 'all matches used by prior rules');
  });
  for (let a = 0; a < prefixes.length; a++) {
    for (let b = a + 1; b < prefixes.length; b++) {
      const pa = prefixes[a]!;
      const pb = prefixes[b]!;
      if (pa.prefix === pb.prefix) continue;
      if (!covered(pa, pb)) continue;
      ctx.report('IST0131', vs, [pb.route, `${pb.match} of prefix ${pb.prefix}`, `${pa.match} of prefix ${pa.prefix} on ${pa.route}`], {
        path: `spec.http[${pb.rule}].match[${pb.matchIndex}]`,
        fix: `Move the more specific prefix ${pb.prefix} before ${pa.prefix}.`,
      });
    }
  }
}

export const unreachableRouteAnalyzer: Analyzer = {
  name: 'gatescope.UnreachableRouteAnalyzer',
  description: "Finds VirtualService rules and matches that earlier ones shadow (istiod's validation warnings)",
  codes: ['IST0130', 'IST0131'],
  analyze(ctx) {
    for (const vs of ctx.list('VirtualService')) for (const kind of ['http', 'tcp', 'tls'] as const) analyzeRoutes(ctx, vs, kind);
  },
};
