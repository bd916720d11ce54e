/**
 * Drafts for "draw a route on the overview": a drag from a Gateway server, a VirtualService or a
 * route to a Service or a subset becomes a prefilled form, never a write. From a VirtualService
 * (or one of its routes): that VirtualService with a new HTTP route at the top (a route placed
 * after a catch-all would never match). From a Gateway server: a new VirtualService bound to that
 * Gateway, for its hosts (or `new.example.com` when the server takes any host).
 */
import type { KubeObject } from '../kube/object';

export interface RouteTarget {
  /** Service FQDN (`web-service.default.svc.cluster.local`). */
  fqdn: string;
  /** The Service's first port, when known. */
  port?: number;
  subset?: string;
}

const shortName = (fqdn: string) => fqdn.split('.')[0] ?? fqdn;
const nsOf = (fqdn: string) => fqdn.split('.')[1] ?? 'default';

function destination(t: RouteTarget): Record<string, unknown> {
  return { host: t.fqdn, ...(t.port ? { port: { number: t.port } } : {}), ...(t.subset ? { subset: t.subset } : {}) };
}

function routeName(t: RouteTarget, taken: readonly string[]): string {
  const base = `to-${shortName(t.fqdn)}${t.subset ? `-${t.subset}` : ''}`;
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}

/** The VirtualService with a new first HTTP route to `target` (match `/<name>` for the user to edit). */
export function withNewRoute(vs: KubeObject, target: RouteTarget): KubeObject {
  const copy = structuredClone(vs) as KubeObject & { spec?: { http?: Array<Record<string, unknown>> } };
  const http = copy.spec?.http ?? [];
  const name = routeName(target, http.map((r) => String(r['name'] ?? '')));
  const route = { name, match: [{ uri: { prefix: `/${name}` } }], route: [{ destination: destination(target) }] };
  copy.spec = { ...(copy.spec ?? {}), http: [route, ...http] };
  return copy;
}

/** A new VirtualService for a Gateway server's hosts, routing everything to `target`. */
export function newVirtualServiceFor(gatewayKey: string, serverHosts: readonly string[], target: RouteTarget): KubeObject {
  const ns = nsOf(target.fqdn);
  const hosts = serverHosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)).filter((h) => h !== '*' && !h.startsWith('*.'));
  const name = `${shortName(target.fqdn)}${target.subset ? `-${target.subset}` : ''}-ingress`;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns },
    spec: {
      hosts: hosts.length ? hosts : ['new.example.com'],
      gateways: [gatewayKey],
      http: [{ name: routeName(target, []), route: [{ destination: destination(target) }] }],
    },
  } as unknown as KubeObject;
}
