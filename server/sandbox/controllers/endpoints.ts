/**
 * Endpoints and EndpointSlice controllers for Services with a selector: the pods the selector
 * picks, with an IP, grouped by their resolved target ports (a named targetPort resolves per pod
 * from its container ports, a pod without that port is left out of it).
 *
 * - Endpoints (core/v1): Ready pods in `addresses`, the others in `notReadyAddresses`; terminating
 *   pods are left out (unless publishNotReadyAddresses).
 * - EndpointSlices (discovery.k8s.io/v1): one per port set, owned by the Service, labelled
 *   `kubernetes.io/service-name`; terminating pods stay with ready=false, terminating=true,
 *   serving = their readiness (as since Kubernetes 1.22).
 * Services without a selector keep user-managed Endpoints. A deleted Service takes its Endpoints
 * along (its slices go by garbage collection).
 */
import type { Store, StoredObject, Watcher } from '../api/store';
import type { EventRecorder } from './events';
import { matchesServiceSelector } from './label-selector';
import { isPodReady, ownedBy, ownerRefTo, podStatus, stableJson } from './objects';
import { keyOf, splitKey, WorkQueue } from './work-queue';

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}
interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
interface PodEntry {
  pod: StoredObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

const MANAGED_BY = 'endpointslice-controller.k8s.io';

/** The container port a Service port targets on this pod, or undefined. */
export function resolveTargetPort(pod: StoredObject, sp: ServicePort): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  const containers = ((pod['spec'] as { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }> })?.containers ?? []);
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

export class EndpointsController {
  private readonly queue: WorkQueue;
  private readonly watchers: Watcher[] = [];
  /** pod key → labels last seen (to find the Services a pod stopped matching). */
  private readonly podLabels = new Map<string, Record<string, string>>();

  constructor(
    private readonly store: Store,
    private readonly _events: EventRecorder,
  ) {
    this.queue = new WorkQueue('endpoints', (k) => this.reconcile(k));
  }

  start(): void {
    this.watchers.push(this.store.subscribe('core/services', (ev) => this.queue.add(keyOf(ev.object.metadata.namespace, ev.object.metadata.name))));
    this.watchers.push(
      this.store.subscribe('core/pods', (ev) => {
        const p = ev.object;
        const pk = keyOf(p.metadata.namespace, p.metadata.name);
        const before = this.podLabels.get(pk);
        if (ev.type === 'DELETED') this.podLabels.delete(pk);
        else this.podLabels.set(pk, { ...(p.metadata.labels ?? {}) });
        for (const svc of this.store.peek('core/services')) {
          if (svc.metadata.namespace !== p.metadata.namespace) continue;
          const sel = (svc['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
          if (matchesServiceSelector(sel, p.metadata.labels) || matchesServiceSelector(sel, before)) {
            this.queue.add(keyOf(svc.metadata.namespace, svc.metadata.name));
          }
        }
      }),
    );
    for (const s of this.store.list('core/services').items) this.queue.add(keyOf(s.metadata.namespace, s.metadata.name));
  }

  close(): void {
    for (const w of this.watchers) w.stop();
    this.queue.close();
  }

  private reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.store.get('core/services', ns, name);
    if (!svc) {
      const ep = this.store.get('core/endpoints', ns, name);
      // Only Endpoints this controller could have written (user-managed ones belong to selector-less Services, also gone).
      if (ep) this.safeDelete('core/endpoints', ns, name);
      return;
    }
    const spec = (svc['spec'] ?? {}) as { selector?: Record<string, string>; ports?: ServicePort[]; publishNotReadyAddresses?: boolean; type?: string };
    if (!spec.selector || Object.keys(spec.selector).length === 0 || spec.type === 'ExternalName') return;
    const entries: PodEntry[] = [];
    for (const pod of this.store.peek('core/pods')) {
      if (pod.metadata.namespace !== ns) continue;
      if (!matchesServiceSelector(spec.selector, pod.metadata.labels)) continue;
      const s = podStatus(pod);
      if (!s.podIP || s.phase === 'Succeeded' || s.phase === 'Failed') continue;
      const ports: EndpointPort[] = [];
      for (const sp of spec.ports ?? []) {
        const port = resolveTargetPort(pod, sp);
        if (port === undefined) continue;
        ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
      }
      entries.push({ pod, ip: s.podIP, ready: isPodReady(pod), terminating: !!pod.metadata.deletionTimestamp, ports });
    }
    entries.sort((a, b) => ipNum(a.ip) - ipNum(b.ip));
    this.writeEndpoints(svc, entries, !!spec.publishNotReadyAddresses);
    this.writeSlices(svc, entries, !!spec.publishNotReadyAddresses);
  }

  private writeEndpoints(svc: StoredObject, entries: PodEntry[], publishNotReady: boolean): void {
    const groups = new Map<string, { addresses: unknown[]; notReadyAddresses: unknown[]; ports: EndpointPort[] }>();
    for (const e of entries) {
      if (e.terminating && !publishNotReady) continue;
      if (e.ports.length === 0 && ((svc['spec'] as { ports?: unknown[] }).ports ?? []).length > 0) continue;
      const sig = stableJson(e.ports);
      let g = groups.get(sig);
      if (!g) groups.set(sig, (g = { addresses: [], notReadyAddresses: [], ports: e.ports }));
      const addr = { ip: e.ip, nodeName: (e.pod['spec'] as { nodeName?: string }).nodeName, targetRef: { kind: 'Pod', namespace: e.pod.metadata.namespace, name: e.pod.metadata.name, uid: e.pod.metadata.uid } };
      (e.ready || publishNotReady ? g.addresses : g.notReadyAddresses).push(addr);
    }
    const subsets = [...groups.values()].map((g) => ({
      ...(g.addresses.length ? { addresses: g.addresses } : {}),
      ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
    const ns = svc.metadata.namespace;
    const name = svc.metadata.name;
    const labels = { ...(svc.metadata.labels ?? {}) };
    const cur = this.store.get('core/endpoints', ns, name);
    if (!cur) {
      this.store.create('core/endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, ...(subsets.length ? { subsets } : {}) });
      return;
    }
    if (stableJson(cur['subsets'] ?? []) === stableJson(subsets) && stableJson(cur.metadata.labels ?? {}) === stableJson(labels)) return;
    this.store.mutate('core/endpoints', ns, name, (o) => {
      o.metadata.labels = labels;
      if (subsets.length) o['subsets'] = subsets;
      else delete o['subsets'];
    });
  }

  private writeSlices(svc: StoredObject, entries: PodEntry[], publishNotReady: boolean): void {
    const ns = svc.metadata.namespace;
    const groups = new Map<string, { ports: EndpointPort[]; endpoints: unknown[] }>();
    for (const e of entries) {
      const sig = stableJson(e.ports);
      let g = groups.get(sig);
      if (!g) groups.set(sig, (g = { ports: e.ports, endpoints: [] }));
      g.endpoints.push({
        addresses: [e.ip],
        conditions: { ready: (e.ready || publishNotReady) && !e.terminating, serving: e.ready || publishNotReady, terminating: e.terminating },
        nodeName: (e.pod['spec'] as { nodeName?: string }).nodeName,
        targetRef: { kind: 'Pod', namespace: e.pod.metadata.namespace, name: e.pod.metadata.name, uid: e.pod.metadata.uid },
      });
    }
    if (groups.size === 0) groups.set('[]', { ports: [], endpoints: [] });
    const existing = this.store.list('discovery.k8s.io/endpointslices', ns).items.filter(
      (s) => ownedBy(s, svc.metadata.uid) && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY,
    );
    const bySig = new Map(existing.map((s) => [stableJson(s['ports'] ?? []), s]));
    const labels = {
      ...(svc.metadata.labels ?? {}),
      'kubernetes.io/service-name': svc.metadata.name,
      'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
    };
    const keep = new Set<string>();
    const spare = existing.filter((s) => !groups.has(stableJson(s['ports'] ?? [])));
    for (const [sig, g] of groups) {
      const cur = bySig.get(sig) ?? spare.shift();
      if (!cur) {
        this.store.create('discovery.k8s.io/endpointslices', {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: '', generateName: `${svc.metadata.name}-`, namespace: ns, labels, ownerReferences: [ownerRefTo(svc)] },
          addressType: 'IPv4',
          endpoints: g.endpoints,
          ports: g.ports,
        });
        continue;
      }
      keep.add(cur.metadata.name);
      if (stableJson(cur['endpoints'] ?? []) === stableJson(g.endpoints) && stableJson(cur['ports'] ?? []) === stableJson(g.ports) && stableJson(cur.metadata.labels ?? {}) === stableJson(labels)) continue;
      this.store.mutate('discovery.k8s.io/endpointslices', ns, cur.metadata.name, (o) => {
        o.metadata.labels = labels;
        o['endpoints'] = g.endpoints;
        o['ports'] = g.ports;
      });
    }
    for (const s of existing) if (!keep.has(s.metadata.name)) this.safeDelete('discovery.k8s.io/endpointslices', ns, s.metadata.name);
  }

  private safeDelete(resource: string, ns: string | undefined, name: string): void {
    try {
      this.store.delete(resource, ns, name);
    } catch {
      // already gone
    }
  }
}

function ipNum(ip: string): number {
  return ip.split('.').reduce((n, x) => n * 256 + Number(x), 0);
}
