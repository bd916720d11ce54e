/**
 * Where the compiler reads API objects from: the sandbox Store (istiod's informer cache) or a
 * plain snapshot (tests, tools). Only `list` is needed; the Store satisfies this interface.
 */
import type { StoredObject } from '../../../api/store';
import { RES } from '../constants';

export interface ObjectSource {
  list(resource: string, namespace?: string): { items: StoredObject[] };
}

const KIND_TO_RESOURCE: Record<string, string> = {
  Gateway: RES.gateways,
  VirtualService: RES.virtualServices,
  DestinationRule: RES.destinationRules,
  Service: RES.services,
  Endpoints: RES.endpoints,
  EndpointSlice: RES.endpointSlices,
  Secret: RES.secrets,
  Pod: RES.pods,
  ConfigMap: RES.configMaps,
};

/** An ObjectSource over a fixed list of objects (kinds mapped to the store's resource keys). */
export function snapshotSource(objects: StoredObject[]): ObjectSource {
  const byResource = new Map<string, StoredObject[]>();
  for (const o of objects) {
    const res = KIND_TO_RESOURCE[o.kind];
    if (!res) continue;
    const list = byResource.get(res) ?? [];
    list.push(o);
    byResource.set(res, list);
  }
  return {
    list(resource, namespace) {
      const all = byResource.get(resource) ?? [];
      return { items: namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace) };
    },
  };
}

/** Istio's config order: creation time, then namespace/name (pilot's sortConfigByCreationTime). */
export function byCreation(a: StoredObject, b: StoredObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function specOf<T>(o: StoredObject): T {
  return ((o as { spec?: unknown }).spec ?? {}) as T;
}

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) {
    if ((labels ?? {})[k] !== v) return false;
  }
  return true;
}
