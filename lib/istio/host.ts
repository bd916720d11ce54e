/**
 * Host names as Istio compares them (istio/istio `pkg/config/host`), Gateway server hosts with
 * their namespace part (`pilot/pkg/model/gateway.go`), short names resolved to FQDNs
 * (`model.ResolveShortnameToFQDN`), and the two places Envoy picks by name at a gateway: the
 * virtual host for an authority (RDS domains) and the filter chain for an SNI (server_names).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (hosts)
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#Server (hosts)
 */

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** `host.Name.IsWildCarded`: starts with `*`. */
export function isWildcard(h: string): boolean {
  return h.length > 0 && h[0] === '*';
}

/**
 * `host.Name.Matches`: the two names have a non-empty intersection (wildcards on either side).
 *
 * @example hostMatches('*.example.com', 'web.example.com') // true
 * @example hostMatches('*.example.com', 'example.com') // false
 */
export function hostMatches(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * `host.Name.SubsetOf`: every name `a` matches is matched by `b`.
 *
 * @example hostSubsetOf('web.example.com', '*') // true
 * @example hostSubsetOf('*', '*.example.com') // false
 */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * `host.Names.Intersection`: for each pair, the narrower of the two names when one contains the
 * other. This is how Istio picks the virtual-host names of a VirtualService on a Gateway server:
 * VS `*` on server `web.example.com` gives `web.example.com`; VS `web.example.com` on server `*`
 * gives `web.example.com`. Order follows `a`, duplicates removed.
 *
 * Note: Istio keeps only pairs where one side is a subset of the other, so `*.a.com` and
 * `x.*`-style partial overlaps never produce a host (Istio hosts only have leading wildcards).
 */
export function hostsIntersection(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      const pick = hostSubsetOf(x, y) ? x : hostSubsetOf(y, x) ? y : undefined;
      if (pick !== undefined && !out.includes(pick)) out.push(pick);
    }
  }
  return out;
}

/** `host.MoreSpecific`: non-wildcards first, then longer names, then alphabetical. */
export function moreSpecific(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw !== bw) return !aw;
  if (a.length === b.length) return a < b;
  return a.length > b.length;
}

/** Sorts host names most specific first (`host.Names` sort order). */
export function sortHostsMostSpecificFirst(hosts: readonly string[]): string[] {
  return [...hosts].sort((a, b) => (a === b ? 0 : moreSpecific(a, b) ? -1 : 1));
}

// ---- Gateway server hosts ------------------------------------------------------------------

/** One Gateway server host split into its namespace part and host part. */
export interface ServerHost {
  /** The namespace whose VirtualServices may bind; `*` for any namespace. */
  namespace: string;
  host: string;
  /** As written in the Gateway. */
  raw: string;
}

/**
 * Splits a Gateway server host: `ns/host`, `./host` (the Gateway's namespace), `*\/host` or a bare
 * `host` (any namespace), as Istio's `sanitizeServerHostNamespace` does.
 *
 * @example parseServerHost('./web.example.com', 'istio-system') // { namespace: 'istio-system', host: 'web.example.com', raw: './web.example.com' }
 */
export function parseServerHost(raw: string, gatewayNamespace: string): ServerHost {
  const i = raw.indexOf('/');
  if (i < 0) return { namespace: '*', host: raw, raw };
  const ns = raw.slice(0, i);
  const host = raw.slice(i + 1);
  return { namespace: ns === '.' ? gatewayNamespace : ns, host, raw };
}

/**
 * `host.NamesForNamespace` after sanitising: the host parts of a server's hosts that a
 * VirtualService in `vsNamespace` may bind to.
 *
 * @example serverHostsForNamespace(['default/a.com', 'b.com', 'other/c.com'], 'istio-system', 'default') // ['a.com', 'b.com']
 */
export function serverHostsForNamespace(hosts: readonly string[], gatewayNamespace: string, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const raw of hosts) {
    const h = parseServerHost(raw, gatewayNamespace);
    if (h.namespace === '*' || h.namespace === vsNamespace) out.push(h.host);
  }
  return out;
}

/**
 * The SNI names of a TLS server (`GetSNIHostsForServer`): host parts, unique, sorted. A `*` among
 * them means the filter chain matches any SNI (and connections without SNI).
 */
export function sniHostsForServer(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)))].sort();
}

// ---- short names and FQDNs -----------------------------------------------------------------

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 literal (hosts that Istio never qualifies). */
export function isIPAddress(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/**
 * `ResolveShortnameToFQDN`: a name without a dot is a Service in `namespace`
 * (`name.namespace.svc.cluster.local`); `*`, IP addresses and names with a dot are kept as written.
 * So `web-service.default` is *not* expanded: Istio takes it as an external name.
 *
 * @example resolveShortname('web-service', 'default') // 'web-service.default.svc.cluster.local'
 */
export function resolveShortname(host: string, namespace: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  if (host === '' || host === '*' || isIPAddress(host) || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${clusterDomain}`;
}

/** `name.namespace.svc.<clusterDomain>`. */
export function serviceFQDN(name: string, namespace: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/**
 * The Service an FQDN names (`name.namespace.svc.cluster.local`), or undefined for any other host.
 *
 * @example parseServiceFQDN('mysql.default.svc.cluster.local') // { name: 'mysql', namespace: 'default' }
 */
export function parseServiceFQDN(host: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): { name: string; namespace: string } | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (!host.endsWith(suffix)) return undefined;
  const parts = host.slice(0, -suffix.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

// ---- authority and Envoy name selection ----------------------------------------------------

/**
 * Splits an HTTP authority into host and port (`[::1]:8080`, `web.example.com:80`, `example.com`).
 * The host is lower-cased, as Envoy compares hosts case-insensitively.
 */
export function splitAuthority(authority: string): { host: string; port?: number } {
  const a = authority.trim();
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    const host = a.slice(0, end + 1).toLowerCase();
    const rest = a.slice(end + 1);
    return rest.startsWith(':') && /^\d+$/.test(rest.slice(1)) ? { host, port: Number(rest.slice(1)) } : { host };
  }
  const i = a.lastIndexOf(':');
  if (i > 0 && a.indexOf(':') === i && /^\d+$/.test(a.slice(i + 1))) return { host: a.slice(0, i).toLowerCase(), port: Number(a.slice(i + 1)) };
  return { host: a.toLowerCase() };
}

/**
 * Envoy's virtual-host selection (`RouteMatcher::findVirtualHost`) for a host without its port
 * (Istio sets `ignore_port_in_host_matching` on gateway routes): an exact domain first, then the
 * longest suffix wildcard (`*.example.com`, which needs at least one character before the
 * suffix), then the longest prefix wildcard (`web.*`), then `*`.
 *
 * @returns the chosen domain, or undefined (Envoy answers 404 NR).
 */
export function selectVirtualHostDomain(domains: readonly string[], host: string): string | undefined {
  const h = host.toLowerCase();
  const ds = domains.map((d) => d.toLowerCase());
  if (ds.includes(h)) return domains[ds.indexOf(h)];
  let best: number | undefined;
  for (const [i, d] of ds.entries()) {
    if (d.length > 1 && d.startsWith('*') && h.length > d.length - 1 && h.endsWith(d.slice(1))) {
      if (best === undefined || d.length > ds[best]!.length) best = i;
    }
  }
  if (best !== undefined) return domains[best];
  for (const [i, d] of ds.entries()) {
    if (d.length > 1 && d.endsWith('*') && h.length > d.length - 1 && h.startsWith(d.slice(0, -1))) {
      if (best === undefined || d.length > ds[best]!.length) best = i;
    }
  }
  if (best !== undefined) return domains[best];
  return ds.includes('*') ? domains[ds.indexOf('*')] : undefined;
}

/**
 * Envoy's filter-chain `server_names` match for an SNI: an exact name first, then wildcard names
 * from the most specific suffix (`*.b.example.com` before `*.example.com`), then chains with no
 * server names (here: a chain whose names include `*`, or none).
 *
 * @returns the index of the chosen chain, or undefined (no chain: the connection is closed).
 */
export function selectServerNameChain(chains: ReadonlyArray<readonly string[]>, sni: string | undefined): number | undefined {
  const catchAll = chains.findIndex((names) => names.length === 0 || names.includes('*'));
  if (!sni) return catchAll >= 0 ? catchAll : undefined;
  const s = sni.toLowerCase();
  const exact = chains.findIndex((names) => names.some((n) => n.toLowerCase() === s));
  if (exact >= 0) return exact;
  const labels = s.split('.');
  for (let i = 1; i < labels.length; i++) {
    const wildcard = `*.${labels.slice(i).join('.')}`;
    const idx = chains.findIndex((names) => names.some((n) => n.toLowerCase() === wildcard));
    if (idx >= 0) return idx;
  }
  return catchAll >= 0 ? catchAll : undefined;
}
