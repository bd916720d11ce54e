/**
 * Where kube-proxy would send a connection for a Service port: the ready addresses of the
 * Service's Endpoints, with the endpoint port that carries the Service port's name (the target
 * port as resolved by the endpoints controller). Not-ready addresses get nothing.
 */
import type { Store } from '../../api/store';

export interface ServicePortRef {
  name?: string;
  port: number;
}

export interface EndpointTarget {
  ip: string;
  port: number;
  /** `namespace/name` of the pod behind the address, when the Endpoints say. */
  pod?: string;
}

interface EndpointsObject {
  subsets?: Array<{
    addresses?: Array<{ ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }>;
    ports?: Array<{ name?: string; port: number; protocol?: string }>;
  }>;
}

export function readyTargets(store: Store, namespace: string, service: string, svcPort: ServicePortRef, servicePortCount: number): EndpointTarget[] {
  const ep = store.get('core/endpoints', namespace, service) as unknown as EndpointsObject | undefined;
  const out: EndpointTarget[] = [];
  for (const subset of ep?.subsets ?? []) {
    const ports = subset.ports ?? [];
    const p = svcPort.name ? ports.find((x) => x.name === svcPort.name) : servicePortCount === 1 ? ports[0] : ports.find((x) => !x.name);
    if (!p || (p.protocol ?? 'TCP') !== 'TCP') continue;
    for (const a of subset.addresses ?? []) {
      const ref = a.targetRef?.kind === 'Pod' && a.targetRef.name ? `${a.targetRef.namespace ?? namespace}/${a.targetRef.name}` : undefined;
      out.push({ ip: a.ip, port: p.port, ...(ref ? { pod: ref } : {}) });
    }
  }
  return out;
}
