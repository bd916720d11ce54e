/**
 * Small readers over stored objects that several controllers share: owner references, pod
 * readiness and activity, stable JSON for comparisons.
 */
import type { StoredObject } from '../api/store';

export type OwnerRef = NonNullable<StoredObject['metadata']['ownerReferences']>[number];

export function controllerOf(o: StoredObject): OwnerRef | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownedBy(o: StoredObject, uid: string | undefined): boolean {
  return !!uid && controllerOf(o)?.uid === uid;
}

export function ownerRefTo(owner: StoredObject): OwnerRef {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

interface PodStatusLike {
  phase?: string;
  podIP?: string;
  conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
}

export const podStatus = (p: StoredObject): PodStatusLike => (p['status'] ?? {}) as PodStatusLike;

export function isPodReady(p: StoredObject): boolean {
  return podStatus(p).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Counted by ReplicaSets: not terminating, not finished. */
export function isPodActive(p: StoredObject): boolean {
  const phase = podStatus(p).phase;
  return !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** JSON with object keys sorted, for order-insensitive equality. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return x;
  });
}

export function int(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
