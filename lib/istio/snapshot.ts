/**
 * What the routing simulator and the topology read: the objects of the cluster on an ingress
 * request path, at one moment. Build it from a flat list (files, `cache.objects()`) or from the
 * console cache's snapshot keyed by plural (`cache.snapshot()`).
 *
 * A snapshot is immutable once built: lib/istio and lib/routing memoize indexes per array and
 * per object (WeakMaps), so an edit must produce new objects and a new snapshot, never mutate.
 */
import type { Deployment, Node, Pod, Service } from '../kube/core';
import { isKind, type KubeObject } from '../kube/object';
import type { MeshOptions } from './refs';
import type { DestinationRule, Gateway, VirtualService } from './types';

export interface MeshSnapshot extends MeshOptions {
  gateways: Gateway[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  services: Service[];
  /** Every pod: gateway pods (selected by a Gateway's `selector`) and backends. */
  pods: Pod[];
  /** Optional: node addresses label NodePorts. */
  nodes?: Node[];
  /** Optional: Deployments, to tell a scaled-to-zero workload from a missing one. */
  deployments?: Deployment[];
  /** Optional: TLS Secrets, to check `credentialName`. */
  secrets?: KubeObject[];
  /** Optional: networking.k8s.io Ingresses (Istio serves those of class `istio` on the same gateway). */
  ingresses?: KubeObject[];
  /** Whether Ingresses without a class are Istio's (mesh config `ingressControllerMode: DEFAULT`). Default false. */
  ingressDefaultIstio?: boolean;
}

export function emptySnapshot(): MeshSnapshot {
  return { gateways: [], virtualServices: [], destinationRules: [], services: [], pods: [] };
}

/**
 * Sorts objects into a snapshot by kind (Istio's `Gateway` only, not the Gateway API's).
 *
 * @example meshSnapshot(cache.objects())
 */
export function meshSnapshot(objects: Iterable<KubeObject>, opts: MeshOptions = {}): MeshSnapshot {
  const s: MeshSnapshot = { ...emptySnapshot(), nodes: [], deployments: [], secrets: [], ingresses: [], ...opts };
  for (const o of objects) {
    if (isKind(o, 'Gateway')) s.gateways.push(o as Gateway);
    else if (isKind(o, 'VirtualService')) s.virtualServices.push(o as VirtualService);
    else if (isKind(o, 'DestinationRule')) s.destinationRules.push(o as DestinationRule);
    else if (isKind(o, 'Service')) s.services.push(o as Service);
    else if (isKind(o, 'Pod')) s.pods.push(o as Pod);
    else if (isKind(o, 'Node')) s.nodes!.push(o as Node);
    else if (isKind(o, 'Deployment')) s.deployments!.push(o as Deployment);
    else if (isKind(o, 'Secret')) s.secrets!.push(o);
    else if (isKind(o, 'Ingress')) s.ingresses!.push(o);
  }
  return s;
}

/** From the console cache's snapshot (`{ gateways: [...], virtualservices: [...], ... }`). */
export function meshSnapshotFromPlurals(byPlural: Readonly<Record<string, readonly KubeObject[] | undefined>>, opts: MeshOptions = {}): MeshSnapshot {
  return meshSnapshotFromLists(<T>(p: string) => [...(byPlural[p] ?? [])] as T[], opts);
}

/** The snapshot from one list per watched plural (`list('virtualservices')`), e.g. lists kept between builds. */
export function meshSnapshotFromLists(list: <T>(plural: string) => T[], opts: MeshOptions = {}): MeshSnapshot {
  return {
    gateways: list('gateways'),
    virtualServices: list('virtualservices'),
    destinationRules: list('destinationrules'),
    services: list('services'),
    pods: list('pods'),
    nodes: list('nodes'),
    deployments: list('deployments'),
    secrets: list('secrets'),
    ingresses: list('ingresses'),
    ...opts,
  };
}
