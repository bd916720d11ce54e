/**
 * Warnings that need a view across objects: two Gateways claiming the same host and port on the
 * same gateway pods (istioctl's IST0145 ConflictingGateways), and Kubernetes Ingresses of class
 * istio that route a host a VirtualService also routes through the same gateway.
 */
import { objectKey, type KubeObject } from '../kube/object';
import type { MeshSnapshot } from '../istio/snapshot';
import type { GraphBuilder, GraphSink } from './graph';
import { ids } from './ids';
import type { ServerPlan } from './paths';

const bareHost = (h: string) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

/** IST0145: servers of different Gateways, on the same pods and port, with a host in common. */
export function checkConflictingGateways(g: GraphSink, servers: ReadonlyMap<string, ServerPlan>): void {
  const byListener = new Map<string, ServerPlan[]>();
  for (const plan of servers.values()) {
    const key = `${[...plan.pods].sort().join(',')}|${plan.bound.port}`;
    byListener.set(key, [...(byListener.get(key) ?? []), plan]);
  }
  for (const plans of byListener.values()) {
    for (let i = 0; i < plans.length; i++) {
      for (let j = i + 1; j < plans.length; j++) {
        const a = plans[i]!;
        const b = plans[j]!;
        if (a.bound.gatewayKey === b.bound.gatewayKey) continue;
        const hostsB = new Set((b.bound.server.hosts ?? []).map(bareHost));
        const shared = (a.bound.server.hosts ?? []).map(bareHost).filter((h) => hostsB.has(h));
        if (shared.length === 0) continue;
        const what = `${shared.join(', ')} on port ${a.bound.port}`;
        g.warn(a.id, 'warning', `Gateway ${b.bound.gatewayKey} also claims ${what} for the same gateway pods (IST0145 ConflictingGateways): which VirtualServices apply depends on which Gateway wins`);
        g.warn(b.id, 'warning', `Gateway ${a.bound.gatewayKey} also claims ${what} for the same gateway pods (IST0145 ConflictingGateways): which VirtualServices apply depends on which Gateway wins`);
      }
    }
  }
}

interface Ingress extends KubeObject {
  spec?: { ingressClassName?: string; rules?: Array<{ host?: string }> };
}

function isIstioIngress(i: Ingress, snapshot: MeshSnapshot): boolean {
  const cls = i.spec?.ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class'];
  return cls === 'istio' || (cls === undefined && (snapshot.ingressDefaultIstio ?? false));
}

/** An Ingress of class istio routing a host that a VirtualService bound to a gateway routes too. */
export function checkIngressConflicts(g: GraphBuilder, snapshot: MeshSnapshot): void {
  const ingresses = ((snapshot.ingresses ?? []) as Ingress[]).filter((i) => isIstioIngress(i, snapshot));
  if (ingresses.length === 0) return;
  for (const vs of snapshot.virtualServices) {
    const id = ids.virtualService(objectKey(vs));
    if (!g.has(id)) continue;
    for (const ing of ingresses) {
      for (const host of new Set((ing.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => !!h))) {
        if (!(vs.spec?.hosts ?? []).includes(host)) continue;
        g.warn(id, 'warning', `Ingress ${objectKey(ing)} (class istio) also routes ${host} through the ingress gateway: depending on merge order requests bypass this VirtualService's routes`);
      }
    }
  }
}
