'use client';
/**
 * Live lists of the cluster's objects, from the `resources/<plural>` topics of the stream (the
 * console's cache, kept current by its informers). One subscription per topic per tab, shared
 * by every component that asks.
 */
import { useMemo } from 'react';
import type { KubeObject } from '@/components/resources/kinds';
import { useTopicSnapshot } from './use-stream';

export interface LiveList<T> {
  items: T[];
  /** The first snapshot arrived. */
  loaded: boolean;
}

export function useResources<T extends KubeObject = KubeObject>(plural: string): LiveList<T> {
  const { data } = useTopicSnapshot<T[]>(`resources/${plural}`);
  return useMemo(() => ({ items: data ?? [], loaded: data !== undefined }), [data]);
}

/** What lib/analysis reads about the cluster, besides the three Istio kinds. */
export const ANALYSIS_PLURALS = [
  'gateways',
  'virtualservices',
  'destinationrules',
  'services',
  'pods',
  'deployments',
  'secrets',
  'namespaces',
  'ingresses',
  'configmaps',
  'nodes',
] as const;

/**
 * Every object lib/analysis needs, as one list (stable while nothing changes), and whether
 * every kind has arrived.
 */
export function useClusterObjects(): { objects: KubeObject[]; loaded: boolean } {
  const gw = useResources('gateways');
  const vs = useResources('virtualservices');
  const dr = useResources('destinationrules');
  const svc = useResources('services');
  const pods = useResources('pods');
  const deps = useResources('deployments');
  const secrets = useResources('secrets');
  const ns = useResources('namespaces');
  const ing = useResources('ingresses');
  const cms = useResources('configmaps');
  const nodes = useResources('nodes');
  return useMemo(() => {
    const lists = [gw, vs, dr, svc, pods, deps, secrets, ns, ing, cms, nodes];
    return { objects: lists.flatMap((l) => l.items), loaded: lists.every((l) => l.loaded) };
  }, [gw, vs, dr, svc, pods, deps, secrets, ns, ing, cms, nodes]);
}
