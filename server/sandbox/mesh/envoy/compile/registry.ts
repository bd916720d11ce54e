/**
 * istiod's service registry for the Kubernetes objects in the store: Services by hostname, their
 * ports, and their endpoints (EndpointSlices, else Endpoints, else the ready Pods their selector
 * picks), with the pod labels subsets select on.
 */
import type { StoredObject } from '../../../api/store';
import { DEFAULT_DOMAIN_SUFFIX, RES } from '../constants';
import { labelsMatch, type ObjectSource } from './source';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: string;
  appProtocol?: string;
}

export interface ServiceModel {
  name: string;
  namespace: string;
  hostname: string;
  ports: ServicePort[];
  selector?: Record<string, string>;
  labels: Record<string, string>;
  type: string;
  externalName?: string;
  creationTimestamp: string;
}

export interface EndpointModel {
  ip: string;
  port: number;
  ready: boolean;
  labels: Record<string, string>;
  podName?: string;
  namespace: string;
  workload: WorkloadInfo;
}

export interface WorkloadInfo {
  name: string;
  namespace: string;
  canonicalService: string;
  canonicalRevision: string;
}

/** `outbound|80|v1|web-service.default.svc.cluster.local` (model.BuildSubsetKey). */
export function subsetKey(subset: string, hostname: string, port: number): string {
  return `outbound|${port}|${subset}|${hostname}`;
}

export function parseSubsetKey(name: string): { port: number; subset: string; hostname: string } | undefined {
  const parts = name.split('|');
  if (parts.length !== 4 || parts[0] !== 'outbound') return undefined;
  const port = Number(parts[1]);
  if (!Number.isInteger(port)) return undefined;
  return { port, subset: parts[2]!, hostname: parts[3]! };
}

/** The workload a pod belongs to, as Istio's kube controller infers it (ReplicaSet → Deployment). */
export function workloadOf(pod: StoredObject): WorkloadInfo {
  const labels = pod.metadata.labels ?? {};
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  let name = pod.metadata.name;
  if (owner) {
    name = owner.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]{5,10}$/, '') : owner.name;
  } else if (pod.metadata.generateName) {
    name = pod.metadata.generateName.replace(/-$/, '').replace(/-[a-z0-9]{5,10}$/, '');
  }
  const canonicalService = labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? name;
  const canonicalRevision = labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  return { name, namespace: pod.metadata.namespace ?? 'default', canonicalService, canonicalRevision };
}

function isPodReady(pod: StoredObject): boolean {
  const status = (pod as { status?: { phase?: string; conditions?: Array<{ type: string; status: string }> } }).status;
  if (pod.metadata.deletionTimestamp) return false;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True';
}

function podIP(pod: StoredObject): string | undefined {
  return (pod as { status?: { podIP?: string } }).status?.podIP || undefined;
}

export class ServiceRegistry {
  private readonly byHost = new Map<string, ServiceModel>();
  private readonly pods: StoredObject[];
  private readonly podsByName = new Map<string, StoredObject>();
  private readonly podsByIP = new Map<string, StoredObject>();
  private readonly slices: StoredObject[];
  private readonly endpointsObjs = new Map<string, StoredObject>();

  constructor(
    source: ObjectSource,
    readonly domainSuffix = DEFAULT_DOMAIN_SUFFIX,
  ) {
    for (const s of source.list(RES.services).items) {
      const spec = (s as { spec?: Record<string, unknown> }).spec ?? {};
      const ns = s.metadata.namespace ?? 'default';
      const hostname = `${s.metadata.name}.${ns}.svc.${domainSuffix}`;
      const ports = ((spec.ports as Array<Record<string, unknown>>) ?? []).map((p) => ({
        name: p.name as string | undefined,
        port: Number(p.port),
        targetPort: (p.targetPort as number | string | undefined) ?? Number(p.port),
        protocol: (p.protocol as string | undefined) ?? 'TCP',
        appProtocol: p.appProtocol as string | undefined,
      }));
      this.byHost.set(hostname, {
        name: s.metadata.name,
        namespace: ns,
        hostname,
        ports,
        selector: spec.selector as Record<string, string> | undefined,
        labels: s.metadata.labels ?? {},
        type: (spec.type as string | undefined) ?? 'ClusterIP',
        externalName: spec.externalName as string | undefined,
        creationTimestamp: s.metadata.creationTimestamp ?? '',
      });
    }
    this.pods = source.list(RES.pods).items;
    for (const p of this.pods) {
      this.podsByName.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
      const ip = podIP(p);
      if (ip) this.podsByIP.set(ip, p);
    }
    this.slices = source.list(RES.endpointSlices).items;
    for (const e of source.list(RES.endpoints).items) this.endpointsObjs.set(`${e.metadata.namespace}/${e.metadata.name}`, e);
  }

  services(): ServiceModel[] {
    return [...this.byHost.values()].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  }

  service(hostname: string): ServiceModel | undefined {
    return this.byHost.get(hostname);
  }

  /** Services (in the pod's namespace) whose selector picks this pod: the gateway's "service targets". */
  servicesSelecting(pod: StoredObject): ServiceModel[] {
    return this.services().filter(
      (s) => s.namespace === pod.metadata.namespace && s.selector && Object.keys(s.selector).length > 0 && labelsMatch(s.selector, pod.metadata.labels),
    );
  }

  /** Resolves a Service port's targetPort against a pod's container ports (named ports). */
  targetPortFor(sp: ServicePort, pod?: StoredObject): number | undefined {
    if (typeof sp.targetPort === 'number') return sp.targetPort;
    const asNum = Number(sp.targetPort);
    if (Number.isInteger(asNum) && String(asNum) === sp.targetPort) return asNum;
    if (!pod) return undefined;
    const containers = ((pod as { spec?: { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number }> }> } }).spec?.containers ?? []);
    for (const c of containers) for (const p of c.ports ?? []) if (p.name === sp.targetPort) return p.containerPort;
    return undefined;
  }

  /** Endpoints of one service port (all readiness states; the caller filters). */
  endpoints(svc: ServiceModel, sp: ServicePort): EndpointModel[] {
    const key = `${svc.namespace}/${svc.name}`;
    const slices = this.slices.filter((s) => s.metadata.namespace === svc.namespace && s.metadata.labels?.['kubernetes.io/service-name'] === svc.name);
    if (slices.length > 0) return this.fromSlices(slices, svc, sp);
    const ep = this.endpointsObjs.get(key);
    if (ep) return this.fromEndpoints(ep, svc, sp);
    return this.fromPods(svc, sp);
  }

  private podFor(ns: string, ip: string, targetRef?: { kind?: string; name?: string; namespace?: string }): StoredObject | undefined {
    if (targetRef?.kind === 'Pod' && targetRef.name) {
      const p = this.podsByName.get(`${targetRef.namespace ?? ns}/${targetRef.name}`);
      if (p) return p;
    }
    return this.podsByIP.get(ip);
  }

  private model(ip: string, port: number, ready: boolean, ns: string, pod?: StoredObject): EndpointModel {
    const workload = pod ? workloadOf(pod) : { name: 'unknown', namespace: ns, canonicalService: 'unknown', canonicalRevision: 'latest' };
    return { ip, port, ready, labels: pod?.metadata.labels ?? {}, podName: pod?.metadata.name, namespace: ns, workload };
  }

  private fromSlices(slices: StoredObject[], svc: ServiceModel, sp: ServicePort): EndpointModel[] {
    const out: EndpointModel[] = [];
    for (const s of slices) {
      const body = s as { ports?: Array<{ name?: string; port?: number }>; endpoints?: Array<Record<string, unknown>> };
      const port = (body.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? ''))?.port ?? (body.ports?.length === 1 ? body.ports[0]?.port : undefined);
      if (port === undefined) continue;
      for (const e of body.endpoints ?? []) {
        const conditions = (e.conditions ?? {}) as { ready?: boolean; terminating?: boolean };
        const ready = conditions.ready !== false && conditions.terminating !== true;
        for (const ip of (e.addresses as string[] | undefined) ?? []) {
          const pod = this.podFor(svc.namespace, ip, e.targetRef as { kind?: string; name?: string });
          out.push(this.model(ip, port, ready, svc.namespace, pod));
        }
      }
    }
    return out;
  }

  private fromEndpoints(ep: StoredObject, svc: ServiceModel, sp: ServicePort): EndpointModel[] {
    const out: EndpointModel[] = [];
    type Addr = { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } };
    const subsets = ((ep as { subsets?: Array<{ addresses?: Addr[]; notReadyAddresses?: Addr[]; ports?: Array<{ name?: string; port: number }> }> }).subsets ?? []);
    for (const ss of subsets) {
      const ports = ss.ports ?? [];
      const port = ports.find((p) => (p.name ?? '') === (sp.name ?? ''))?.port ?? (ports.length === 1 ? ports[0]?.port : undefined);
      if (port === undefined) continue;
      for (const a of ss.addresses ?? []) out.push(this.model(a.ip, port, true, svc.namespace, this.podFor(svc.namespace, a.ip, a.targetRef)));
      for (const a of ss.notReadyAddresses ?? []) out.push(this.model(a.ip, port, false, svc.namespace, this.podFor(svc.namespace, a.ip, a.targetRef)));
    }
    return out;
  }

  private fromPods(svc: ServiceModel, sp: ServicePort): EndpointModel[] {
    if (!svc.selector || Object.keys(svc.selector).length === 0) return [];
    const out: EndpointModel[] = [];
    for (const pod of this.pods) {
      if (pod.metadata.namespace !== svc.namespace || !labelsMatch(svc.selector, pod.metadata.labels)) continue;
      const ip = podIP(pod);
      const port = this.targetPortFor(sp, pod);
      if (!ip || port === undefined) continue;
      out.push(this.model(ip, port, isPodReady(pod), svc.namespace, pod));
    }
    return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  }
}
