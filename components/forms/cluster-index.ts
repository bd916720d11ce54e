/**
 * Look-ups over the live cluster objects for the form pickers: Services and their ports,
 * DestinationRule subsets of a host, Gateways a VirtualService can bind, TLS Secrets, pods and
 * their labels. Host names follow Istio's rules: a short name is resolved in the namespace of
 * the object that uses it.
 */
import type { KubeObject } from '@/components/resources/kinds';

export interface ServicePortInfo {
  port: number;
  name?: string;
  protocol?: string;
}

export interface PodInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ready: boolean;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function fqdn(host: string, namespace: string): string {
  if (!host || host.includes('*')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v);
}

function podReady(p: KubeObject): boolean {
  const status = isObj(p.status) ? p.status : {};
  return arr(status.conditions).some((c) => isObj(c) && c.type === 'Ready' && c.status === 'True');
}

export class ClusterIndex {
  readonly services: KubeObject[];
  readonly pods: PodInfo[];
  readonly gateways: KubeObject[];
  readonly destinationRules: KubeObject[];
  readonly secrets: KubeObject[];
  readonly namespaces: string[];

  constructor(readonly objects: readonly KubeObject[]) {
    const of = (kind: string) => objects.filter((o) => o.kind === kind);
    this.services = of('Service');
    this.pods = of('Pod').map((p) => ({
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? '',
      labels: p.metadata.labels ?? {},
      ready: podReady(p),
    }));
    this.gateways = of('Gateway');
    this.destinationRules = of('DestinationRule');
    this.secrets = of('Secret');
    const ns = new Set(of('Namespace').map((n) => n.metadata.name));
    for (const o of objects) if (o.metadata.namespace) ns.add(o.metadata.namespace);
    this.namespaces = [...ns].sort();
  }

  /** The Service a destination host names, seen from `namespace`. */
  service(host: string, namespace: string): KubeObject | undefined {
    const f = fqdn(host, namespace);
    return this.services.find((s) => `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local` === f);
  }

  servicePorts(svc: KubeObject | undefined): ServicePortInfo[] {
    return arr(svc?.spec?.ports)
      .filter(isObj)
      .map((p) => ({ port: Number(p.port), name: typeof p.name === 'string' ? p.name : undefined, protocol: typeof p.protocol === 'string' ? p.protocol : undefined }));
  }

  /** Destination host suggestions from `namespace`: short names for its own Services, FQDNs for the rest. */
  hostSuggestions(namespace: string): string[] {
    return this.services
      .map((s) => (s.metadata.namespace === namespace ? s.metadata.name : `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`))
      .sort();
  }

  /** Subsets the DestinationRules define for `host` (seen from `namespace`), with their labels. */
  subsets(host: string, namespace: string): { name: string; labels: Record<string, string>; rule: string }[] {
    const f = fqdn(host, namespace);
    const out: { name: string; labels: Record<string, string>; rule: string }[] = [];
    for (const dr of this.destinationRules) {
      const drHost = typeof dr.spec?.host === 'string' ? fqdn(dr.spec.host, dr.metadata.namespace ?? '') : '';
      if (drHost !== f) continue;
      for (const s of arr(dr.spec?.subsets).filter(isObj)) {
        if (typeof s.name === 'string') out.push({ name: s.name, labels: (isObj(s.labels) ? s.labels : {}) as Record<string, string>, rule: `${dr.metadata.namespace}/${dr.metadata.name}` });
      }
    }
    return out;
  }

  /** Gateway references for a VirtualService in `namespace`: `name` for its own namespace, `ns/name` otherwise, and `mesh`. */
  gatewayRefs(namespace: string): string[] {
    const refs = this.gateways.map((g) => (g.metadata.namespace === namespace ? g.metadata.name : `${g.metadata.namespace}/${g.metadata.name}`));
    return [...refs.sort(), 'mesh'];
  }

  /** The Gateway a reference names (`name`, `ns/name`), seen from `namespace`. */
  gateway(ref: string, namespace: string): KubeObject | undefined {
    const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [namespace, ref];
    return this.gateways.find((g) => g.metadata.namespace === ns && g.metadata.name === name);
  }

  /** Pods selected by `selector` (in `namespace` when given). An empty selector selects nothing here. */
  podsMatching(selector: Record<string, string> | undefined, namespace?: string): PodInfo[] {
    if (!selector || Object.keys(selector).length === 0) return [];
    return this.pods.filter((p) => (namespace === undefined || p.namespace === namespace) && selectorMatches(selector, p.labels));
  }

  /**
   * Pods that run a gateway: those an existing Gateway selects, and those labelled as Istio's
   * gateways are (`istio=ingressgateway`, `istio=egressgateway`, any `istio` label naming a gateway).
   */
  gatewayPods(): PodInfo[] {
    const selected = new Set<string>();
    for (const g of this.gateways) {
      const sel = (isObj(g.spec?.selector) ? g.spec.selector : {}) as Record<string, string>;
      for (const p of this.podsMatching(sel)) selected.add(`${p.namespace}/${p.name}`);
    }
    return this.pods.filter((p) => selected.has(`${p.namespace}/${p.name}`) || /gateway/.test(p.labels.istio ?? '') || /gateway/.test(p.labels.app ?? ''));
  }

  /** The pods a Service selects (for subset label pickers). */
  servicePods(svc: KubeObject | undefined): PodInfo[] {
    if (!svc) return [];
    const sel = (isObj(svc.spec?.selector) ? svc.spec.selector : {}) as Record<string, string>;
    return this.podsMatching(sel, svc.metadata.namespace);
  }

  /** TLS Secrets (type kubernetes.io/tls, or generic ones holding a cert and a key), by namespace. */
  tlsSecrets(namespace?: string): KubeObject[] {
    return this.secrets.filter((s) => {
      if (namespace !== undefined && s.metadata.namespace !== namespace) return false;
      if (s.type === 'kubernetes.io/tls') return true;
      const keys = Object.keys({ ...(isObj(s.data) ? s.data : {}), ...(isObj(s.stringData) ? s.stringData : {}) });
      return (keys.includes('cert') && keys.includes('key')) || (keys.includes('tls.crt') && keys.includes('tls.key'));
    });
  }
}

/** Label `key=value` pairs of `pods`, with how many pods carry each, most common first. */
export function labelPairs(pods: readonly PodInfo[]): { key: string; value: string; count: number }[] {
  const m = new Map<string, { key: string; value: string; count: number }>();
  for (const p of pods) {
    for (const [key, value] of Object.entries(p.labels)) {
      if (key === 'pod-template-hash' || key.startsWith('controller-revision-hash')) continue;
      const id = `${key}=${value}`;
      const e = m.get(id) ?? { key, value, count: 0 };
      e.count++;
      m.set(id, e);
    }
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key) || a.value.localeCompare(b.value));
}
