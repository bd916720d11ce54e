/**
 * Host names as Istio compares them (`pkg/config/host`) and the analyzers' host helpers
 * (`pkg/config/analysis/analyzers/util/hosts.go`).
 *
 * NOTE(unify): `lib/istio/host.ts` (host wildcard matching) is being written in parallel; these
 * are the exact Istio analyzer semantics and can delegate to it once it exists.
 */

export const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
export const EXPORT_TO_ALL = '*';
export const EXPORT_TO_LOCAL = '.';
export const MESH_GATEWAY = 'mesh';

const isWild = (h: string) => h.length > 0 && h[0] === '*';

/** `host.Name.Matches`: the two names have a non-empty intersection (wildcards on either side). */
export function hostMatches(n: string, o: string): boolean {
  const nw = isWild(n);
  const ow = isWild(o);
  if (nw) {
    if (ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
    return o.endsWith(n.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** `host.Name.SubsetOf`: every name matched by `n` is matched by `o`. */
export function hostSubsetOf(n: string, o: string): boolean {
  const nw = isWild(n);
  const ow = isWild(o);
  if (nw) return ow && n.length >= o.length && n.slice(1).endsWith(o.slice(1));
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** `host.NamesForNamespace`: Gateway server hosts (`ns/host`) visible from `namespace`, without the prefix. */
export function namesForNamespace(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const i = h.indexOf('/');
    if (i >= 0) {
      const ns = h.slice(0, i);
      if (ns !== namespace && ns !== '*') continue;
      out.push(h.slice(i + 1));
    } else out.push(h);
  }
  return out;
}

/** `util.ConvertHostToFQDN`: a short name (no dot, no wildcard) becomes `name.ns.svc.cluster.local`. */
export function convertHostToFQDN(namespace: string, host: string): string {
  return !host.startsWith('*') && !host.includes('.') ? `${host}.${namespace}.${CLUSTER_LOCAL_DOMAIN}` : host;
}

const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** `util.GetFullNameFromFQDN`: `name.ns.svc.cluster.local` → {namespace, name}; empty names otherwise. */
export function fullNameFromFQDN(fqdn: string): { namespace: string; name: string } {
  const m = FQDN.exec(fqdn);
  return m ? { namespace: m[2]!, name: m[1]! } : { namespace: '', name: '' };
}

/** `util.GetResourceNameFromHost`: the Service a host names (`reviews` → default namespace). */
export function resourceNameFromHost(defaultNamespace: string, host: string): { namespace: string; name: string } {
  const n = fullNameFromFQDN(host);
  return n.namespace === '' ? { namespace: defaultNamespace, name: host } : n;
}

/** `util.NewScopedFqdn`: `scope/fqdn`. */
export function scopedFqdn(scope: string, namespace: string, host: string): string {
  return `${scope}/${convertHostToFQDN(namespace, host)}`;
}

export function splitScopedFqdn(s: string): [scope: string, fqdn: string] {
  const i = s.indexOf('/');
  return [s.slice(0, i), s.slice(i + 1)];
}

/** `util.IsExportToAllNamespaces`: no exportTo, or one of them is `*`. */
export function isExportToAll(exportTo: readonly string[]): boolean {
  return exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL);
}
