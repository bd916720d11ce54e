/**
 * What the apiserver's Service registry and a cloud controller do for a Service:
 *
 * - ClusterIP from 10.96.0.0/12 (10.96.0.1 is the `kubernetes` Service). **A label only**: nothing
 *   listens on it, as the sandbox has no kube-proxy. Pods and the data plane reach Services through
 *   their Endpoints (pod IPs, real listeners on 127.X.Y.Z), as Envoy does with EDS.
 * - NodePorts (30000–32767) for NodePort and LoadBalancer Services, kept when the spec names one.
 *   The data plane opens the listeners (plus the sandbox's port offset).
 * - LoadBalancer status `ingress: [{ip: 127.0.0.1}]`: the data plane listens there on the Service
 *   ports (plus the offset).
 * Allocation happens on a later tick than the create (a real apiserver allocates inside the create);
 * clients that need the values wait for them, as they would for an external IP.
 * Not handled: rejecting a nodePort already allocated to another Service (the REST layer's job).
 */
import { randomInt } from 'node:crypto';
import type { Store, StoredObject, Watcher } from '../api/store';
import type { EventRecorder } from './events';
import { stableJson } from './objects';
import { keyOf, splitKey, WorkQueue } from './work-queue';

export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
export const LOAD_BALANCER_IP = '127.0.0.1';

type Obj = Record<string, unknown>;
interface SvcSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Array<{ name?: string; port: number; nodePort?: number; protocol?: string }>;
}

export class ServiceController {
  private readonly queue: WorkQueue;
  private readonly watchers: Watcher[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
  ) {
    this.queue = new WorkQueue('service', (k) => this.reconcile(k));
  }

  start(): void {
    this.watchers.push(this.store.subscribe('core/services', (ev) => ev.type !== 'DELETED' && this.queue.add(keyOf(ev.object.metadata.namespace, ev.object.metadata.name))));
    for (const s of this.store.list('core/services').items) this.queue.add(keyOf(s.metadata.namespace, s.metadata.name));
  }

  close(): void {
    for (const w of this.watchers) w.stop();
    this.queue.close();
  }

  private used(except: StoredObject): { ips: Set<string>; nodePorts: Set<number> } {
    const ips = new Set<string>([KUBERNETES_SERVICE_IP]);
    const nodePorts = new Set<number>();
    for (const s of this.store.peek('core/services')) {
      if (s.metadata.uid === except.metadata.uid) continue;
      const spec = (s['spec'] ?? {}) as SvcSpec;
      if (spec.clusterIP) ips.add(spec.clusterIP);
      for (const p of spec.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
    }
    return { ips, nodePorts };
  }

  private reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.store.get('core/services', ns, name);
    if (!svc || svc.metadata.deletionTimestamp) return;
    const next = structuredClone(svc);
    const spec = (next['spec'] ?? {}) as SvcSpec & Obj;
    next['spec'] = spec;
    const type = spec.type ?? 'ClusterIP';
    const used = this.used(svc);
    if (type !== 'ExternalName') {
      if (!spec.clusterIP) spec.clusterIP = allocateClusterIP(used.ips);
      if (!spec.clusterIPs || spec.clusterIPs.length === 0) spec.clusterIPs = [spec.clusterIP];
      if (spec.clusterIP !== 'None') {
        spec['ipFamilies'] ??= ['IPv4'];
        spec['ipFamilyPolicy'] ??= 'SingleStack';
      }
    }
    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false);
    if (wantsNodePorts) {
      for (const p of spec.ports ?? []) {
        if (p.nodePort) used.nodePorts.add(p.nodePort);
      }
      for (const p of spec.ports ?? []) {
        if (!p.nodePort) {
          p.nodePort = allocateNodePort(used.nodePorts);
          used.nodePorts.add(p.nodePort);
        }
      }
    } else if (type === 'ClusterIP') {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }
    const status = { ...((next['status'] ?? {}) as Obj) };
    status['loadBalancer'] = type === 'LoadBalancer' ? { ingress: [{ ip: LOAD_BALANCER_IP, ipMode: 'VIP' }] } : {};
    const hadIngress = !!(svc['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress?.length;
    next['status'] = status;
    if (stableJson(next) === stableJson(svc)) return;
    const written = this.store.update('core/services', next);
    if (type === 'LoadBalancer' && !hadIngress) {
      this.events.record(written, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', { component: 'service-controller' });
    }
  }
}

export function allocateClusterIP(used: Set<string>): string {
  // 10.96.0.0/12 minus the network, broadcast and the first ten addresses (kubernetes, kube-dns…).
  for (let i = 0; i < 1000; i++) {
    const n = randomInt(11, (1 << 20) - 1);
    const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error('service IP range 10.96.0.0/12 is exhausted');
}

export function allocateNodePort(used: Set<number>): number {
  for (let i = 0; i < 5000; i++) {
    const p = randomInt(NODE_PORT_MIN, NODE_PORT_MAX + 1);
    if (!used.has(p)) return p;
  }
  for (let p = NODE_PORT_MIN; p <= NODE_PORT_MAX; p++) if (!used.has(p)) return p;
  throw new Error('range of valid node ports (30000-32767) is exhausted');
}

/** The `kubernetes` Service and its Endpoints/EndpointSlice in `default`, pointing at the API server. */
export function kubernetesServiceObjects(apiPort: number): Array<{ resource: string; object: StoredObject }> {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  return [
    {
      resource: 'core/services',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels },
        spec: {
          type: 'ClusterIP',
          clusterIP: KUBERNETES_SERVICE_IP,
          clusterIPs: [KUBERNETES_SERVICE_IP],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }],
        },
        status: { loadBalancer: {} },
      },
    },
    {
      resource: 'core/endpoints',
      object: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets: [{ addresses: [{ ip: LOAD_BALANCER_IP }], ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }] }],
      },
    },
    {
      resource: 'discovery.k8s.io/endpointslices',
      object: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [LOAD_BALANCER_IP], conditions: { ready: true } }],
        ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }],
      },
    },
  ];
}
