/**
 * Istio's host name semantics (istio/istio pkg/config/host): wildcard matching, subset tests,
 * intersections of hosts, and short-name resolution. Kept local so the Envoy-shaped pipeline does
 * not share code with lib/routing (the two implementations check each other).
 */
import { DEFAULT_DOMAIN_SUFFIX } from '../constants';

const isWild = (h: string) => h.length > 0 && h[0] === '*';

/** host.Name.Matches: true when the two host sets overlap. */
export function hostMatches(n: string, o: string): boolean {
  const hw = isWild(n);
  const ow = isWild(o);
  if (hw) {
    if (ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
    return o.endsWith(n.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** host.Name.SubsetOf: every host matched by n is matched by o. */
export function hostSubsetOf(n: string, o: string): boolean {
  const hw = isWild(n);
  const ow = isWild(o);
  if (hw) {
    if (ow) return n.length < o.length ? false : n.slice(1).endsWith(o.slice(1));
    return false;
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** host.Names.Intersection: the more specific of each overlapping pair, in order, without duplicates. */
export function hostIntersection(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (const h of a) {
    for (const o of b) {
      if (hostSubsetOf(h, o)) {
        if (!out.includes(h)) out.push(h);
      } else if (hostSubsetOf(o, h)) {
        if (!out.includes(o)) out.push(o);
      }
    }
  }
  return out;
}

/**
 * host.NamesForNamespace: server hosts visible to a VirtualService in `namespace`. Hosts are
 * `host`, `ns/host`, `*\/host` or `./host` (already rewritten to the gateway namespace).
 */
export function namesForNamespace(hosts: string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) {
      out.push(h);
      continue;
    }
    const ns = h.slice(0, slash);
    if (ns === '*' || ns === namespace) out.push(h.slice(slash + 1));
  }
  return out;
}

/** Rewrites `./host` to `<gatewayNamespace>/host` and `*\/*` to `*` (model.sanitizeServerHostNamespace). */
export function sanitizeServerHosts(hosts: string[], gatewayNamespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) {
      out.push(h);
      continue;
    }
    const ns = h.slice(0, slash);
    const name = h.slice(slash + 1);
    if (ns === '.') out.push(`${gatewayNamespace}/${name}`);
    else if (ns === '*' && name === '*') return ['*'];
    else out.push(h);
  }
  return out;
}

/**
 * ResolveShortnameToFQDN: `reviews` in namespace `default` → `reviews.default.svc.cluster.local`.
 * Names with a dot, wildcards and `*` stay as they are.
 */
export function resolveShortname(host: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host === '*' || host.includes('.') || host === '') return host;
  if (host.startsWith('*')) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/**
 * The gateway a VirtualService names, in pilot's canonical `namespace/name` form:
 * `name` (VS namespace), `ns/name`, or the FQDN `name.ns.svc.cluster.local`.
 */
export function resolveGatewayName(ref: string, vsNamespace: string): string {
  if (ref === 'mesh') return 'mesh';
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const ns = ref.slice(0, slash);
    return ns === '.' ? `${vsNamespace}/${ref.slice(slash + 1)}` : ref;
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return `${vsNamespace}/${ref}`;
  // Legacy FQDN form, as pilot's resolveGatewayName: name.ns.svc.cluster.local -> ns/name.
  const rest = ref.slice(dot + 1);
  const next = rest.indexOf('.');
  return `${next < 0 ? rest : rest.slice(0, next)}/${ref.slice(0, dot)}`;
}
