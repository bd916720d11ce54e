'use client';
/**
 * The live MeshSnapshot in the browser: the cache's Gateways, VirtualServices, DestinationRules,
 * Services and pods from the `resources/<plural>` topics, so lib/routing runs here, on exactly
 * what the console shows, and re-runs when any of it changes.
 */
import { useMemo } from 'react';
import { useResources } from '@/components/data/use-resources';
import { meshSnapshot, type MeshSnapshot } from '@/lib/istio/snapshot';
import type { KubeObject } from '@/lib/kube/object';

const withKind = (kind: string, items: readonly { kind?: string }[]) => items.map((o) => (o.kind ? o : { ...o, kind })) as KubeObject[];

export function useMeshSnapshot(opts: { ingresses?: boolean } = {}): { snapshot: MeshSnapshot; loaded: boolean } {
  const gw = useResources('gateways');
  const vs = useResources('virtualservices');
  const dr = useResources('destinationrules');
  const svc = useResources('services');
  const pods = useResources('pods');
  const ing = useResources(opts.ingresses ? 'ingresses' : 'gateways');
  return useMemo(() => {
    const objects = [
      ...withKind('Gateway', gw.items),
      ...withKind('VirtualService', vs.items),
      ...withKind('DestinationRule', dr.items),
      ...withKind('Service', svc.items),
      ...withKind('Pod', pods.items),
      ...(opts.ingresses ? withKind('Ingress', ing.items) : []),
    ];
    return { snapshot: meshSnapshot(objects), loaded: [gw, vs, dr, svc, pods, ing].every((l) => l.loaded) };
  }, [gw, vs, dr, svc, pods, ing, opts.ingresses]);
}
