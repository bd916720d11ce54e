/**
 * VirtualService delegation (`http[].delegate`): istiod replaces a root route that delegates by
 * the delegate VirtualService's routes, each with the root's match conditions merged in
 * (`model.MergeHTTPRoutes`). A delegate route whose match conflicts with every root match is
 * dropped. Delegates are VirtualServices without `hosts`, and must be visible (exportTo) to the
 * root's namespace.
 */
import { objectKey } from '../kube/object';
import { isExportedTo } from '../istio/refs';
import type { HTTPMatchRequest, HTTPRoute, StringMatch, VirtualService } from '../istio/types';

/** An HTTP route after delegation, with where it was written. */
export interface ExpandedRoute {
  route: HTTPRoute;
  /** Index in the root VirtualService's `http`. */
  rootIndex: number;
  /** Set when the route comes from a delegate. */
  delegate?: { virtualService: string; index: number };
}

export interface Expansion {
  routes: ExpandedRoute[];
  /** Delegations istiod cannot apply, in words. */
  problems: Array<{ rootIndex: number; reason: string }>;
}

function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex) return !!(leaf.regex || leaf.prefix || leaf.exact);
  if (leaf.regex) return !!(root.regex || root.prefix || root.exact);
  if (root.exact) return !!leaf.prefix || leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

function hasConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  const pairs: Array<[StringMatch | undefined, StringMatch | undefined]> = [
    [root.uri, leaf.uri],
    [root.scheme, leaf.scheme],
    [root.method, leaf.method],
    [root.authority, leaf.authority],
  ];
  if (pairs.some(([r, l]) => stringMatchConflict(r, l))) return true;
  for (const [k, v] of Object.entries(leaf.headers ?? {})) if (stringMatchConflict(root.headers?.[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.withoutHeaders ?? {})) if (stringMatchConflict(root.withoutHeaders?.[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.queryParams ?? {})) if (stringMatchConflict(root.queryParams?.[k], v)) return true;
  if (!!root.ignoreUriCase !== !!leaf.ignoreUriCase) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  if (root.gateways?.length && leaf.gateways?.length) {
    if (root.gateways.length < leaf.gateways.length || leaf.gateways.some((g) => !root.gateways!.includes(g))) return true;
  }
  return false;
}

function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const out: HTTPMatchRequest = { ...leaf };
  if (!leaf.name) {
    if (root.name) out.name = root.name;
  } else if (root.name) out.name = `${root.name}-${leaf.name}`;
  out.uri ??= root.uri;
  out.scheme ??= root.scheme;
  out.method ??= root.method;
  out.authority ??= root.authority;
  out.headers = { ...root.headers, ...leaf.headers };
  out.withoutHeaders = { ...root.withoutHeaders, ...leaf.withoutHeaders };
  out.queryParams = { ...root.queryParams, ...leaf.queryParams };
  if (!out.port && root.port) out.port = root.port;
  out.sourceLabels = { ...root.sourceLabels, ...leaf.sourceLabels };
  if (!out.sourceNamespace && root.sourceNamespace) out.sourceNamespace = root.sourceNamespace;
  if (!out.gateways?.length && root.gateways) out.gateways = root.gateways;
  for (const k of ['headers', 'withoutHeaders', 'queryParams', 'sourceLabels'] as const) {
    if (Object.keys(out[k] ?? {}).length === 0) delete out[k];
  }
  return out;
}

function mergeRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | undefined {
  let match: HTTPMatchRequest[] | undefined;
  if (!root.match?.length) match = leaf.match;
  else if (!leaf.match?.length) match = root.match;
  else {
    match = [];
    for (const sub of leaf.match) {
      const merged = root.match.filter((r) => !hasConflict(r, sub)).map((r) => mergeMatch(r, sub));
      if (merged.length === 0) return undefined;
      match.push(...merged);
    }
  }
  const out: HTTPRoute = { ...leaf };
  if (match) out.match = match;
  else delete out.match;
  if (!leaf.name) {
    if (root.name) out.name = root.name;
  } else if (root.name) out.name = `${root.name}-${leaf.name}`;
  for (const k of ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'] as const) {
    if (out[k] === undefined && root[k] !== undefined) (out as Record<string, unknown>)[k] = root[k];
  }
  delete out.delegate;
  return out;
}

/**
 * The HTTP routes of a VirtualService after delegation.
 *
 * @param all every VirtualService (delegates are looked up by `delegate.namespace`/`name`; the
 *   namespace defaults to the root's).
 */
export function expandDelegates(vs: VirtualService, all: readonly VirtualService[]): Expansion {
  const ns = vs.metadata.namespace ?? '';
  const routes: ExpandedRoute[] = [];
  const problems: Expansion['problems'] = [];
  for (const [rootIndex, route] of (vs.spec?.http ?? []).entries()) {
    if (!route.delegate) {
      routes.push({ route, rootIndex });
      continue;
    }
    const dNs = route.delegate.namespace || ns;
    const key = `${dNs}/${route.delegate.name ?? ''}`;
    const d = all.find((v) => objectKey(v) === key);
    if (!d) {
      problems.push({ rootIndex, reason: `http[${rootIndex}] delegates to VirtualService ${key}, which does not exist` });
      continue;
    }
    if (d.spec?.hosts?.length) {
      problems.push({ rootIndex, reason: `http[${rootIndex}] delegates to VirtualService ${key}, which has hosts; a delegate must have none` });
      continue;
    }
    if (!isExportedTo(d.spec?.exportTo, dNs, ns)) {
      problems.push({ rootIndex, reason: `http[${rootIndex}] delegates to VirtualService ${key}, which is not exported to namespace ${ns}` });
      continue;
    }
    for (const [index, leaf] of (d.spec?.http ?? []).entries()) {
      const merged = mergeRoute(route, leaf);
      if (!merged) {
        problems.push({ rootIndex, reason: `http[${index}] of delegate ${key} conflicts with the match of http[${rootIndex}] and is dropped` });
        continue;
      }
      routes.push({ route: merged, rootIndex, delegate: { virtualService: key, index } });
    }
  }
  return { routes, problems };
}
