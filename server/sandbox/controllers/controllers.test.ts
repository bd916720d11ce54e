import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GarbageCollector } from '../api/gc';
import { registry } from '../api/registry';
import { Store, type StoredObject } from '../api/store';
import { Kubelet } from '../kubelet/kubelet';
import { createControllers, type ControllerManager } from './manager';

async function until<T>(fn: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const deployment = (name: string, replicas: number, labels: Record<string, string>, image = 'httpd'): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: labels },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: { metadata: { labels }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080, name: 'http' }] }] } },
  },
});

describe('controllers and kubelet on a bare store', () => {
  let store: Store;
  let cm: ControllerManager;
  let kubelet: Kubelet;
  let gc: GarbageCollector;
  const pods = (sel: string) => store.list('core/pods', 'default').items.filter((p) => p.metadata.labels?.['app'] === sel);
  const readyPods = (sel: string) =>
    pods(sel).filter((p) => !p.metadata.deletionTimestamp && (p['status'] as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

  beforeAll(async () => {
    store = new Store();
    cm = createControllers({ store, caPem: 'CA' });
    cm.bootstrap({ apiPort: 6443 });
    cm.start();
    gc = new GarbageCollector(store, registry());
    kubelet = await Kubelet.start({ store, events: cm.events });
  });
  afterAll(async () => {
    cm.close();
    gc.stop();
    await kubelet.close();
  });

  it('bootstraps namespaces, default ServiceAccounts, the kubernetes Service and the Node', () => {
    expect(store.list('core/namespaces').items.map((n) => n.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'istio-system']),
    );
    expect(store.get('core/serviceaccounts', 'istio-system', 'default')).toBeDefined();
    expect(store.get('core/services', 'default', 'kubernetes')).toBeDefined();
    const node = store.get('core/nodes', undefined, 'sandbox-node')!;
    expect((node['spec'] as { podCIDR: string }).podCIDR).toMatch(/^127\.\d+\.0\.0\/16$/);
  });

  it('runs a Deployment as a ReplicaSet and Ready pods, with Endpoints and an EndpointSlice', async () => {
    store.create('apps/deployments', deployment('web', 2, { app: 'web' }));
    store.create('core/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
    await until(() => readyPods('web').length === 2, '2 ready pods');
    const rs = store.list('apps/replicasets', 'default').items.find((r) => r.metadata.name.startsWith('web-'))!;
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    for (const p of pods('web')) {
      expect(p.metadata.name.startsWith(`web-${hash}-`)).toBe(true);
      const st = p['status'] as Record<string, unknown>;
      expect(st['podIP']).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(st['hostIP']).toBe('127.0.0.1');
      expect(st['phase']).toBe('Running');
      const cs = (st['containerStatuses'] as Array<Record<string, unknown>>)[0]!;
      expect(cs['containerID']).toMatch(/^sandbox:\/\/[0-9a-f]{64}$/);
      expect(cs).toMatchObject({ ready: true, started: true, restartCount: 0 });
    }
    const ep = await until(() => {
      const e = store.get('core/endpoints', 'default', 'web');
      const subsets = e?.['subsets'] as Array<{ addresses?: unknown[]; ports?: Array<{ port: number }> }> | undefined;
      return subsets?.[0]?.addresses?.length === 2 ? subsets : undefined;
    }, 'endpoints');
    expect(ep[0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const slices = await until(() => {
      const s = store.list('discovery.k8s.io/endpointslices', 'default').items.filter((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'web');
      return (s[0]?.['endpoints'] as unknown[] | undefined)?.length === 2 ? s : undefined;
    }, 'slice');
    expect(slices).toHaveLength(1);
    const svc = store.get('core/services', 'default', 'web')!;
    expect((svc['spec'] as { clusterIP: string }).clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    const d = await until(() => {
      const x = store.get('apps/deployments', 'default', 'web')!;
      return (x['status'] as { availableReplicas?: number }).availableReplicas === 2 ? x : undefined;
    }, 'deployment status');
    expect(d['status']).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, observedGeneration: 1 });
    cm.events.flush();
    const reasons = store.list('core/events', 'default').items.map((e) => e['reason']);
    expect(reasons).toEqual(expect.arrayContaining(['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'Pulled', 'Created', 'Started']));
  });

  it('scales down and recreates a deleted pod', async () => {
    store.mutate('apps/deployments', 'default', 'web', (d) => {
      (d['spec'] as { replicas: number }).replicas = 1;
    });
    await until(() => pods('web').length === 1, 'one pod left');
    const victim = pods('web')[0]!;
    store.delete('core/pods', 'default', victim.metadata.name);
    await until(() => readyPods('web').length === 1 && readyPods('web')[0]!.metadata.name !== victim.metadata.name, 'replacement');
  });

  it('rolls out a template change to a new ReplicaSet', async () => {
    store.mutate('apps/deployments', 'default', 'web', (d) => {
      (d['spec'] as { replicas: number }).replicas = 2;
      ((d['spec'] as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!).image = 'httpd:2';
    });
    await until(() => {
      const d = store.get('apps/deployments', 'default', 'web')!;
      const s = d['status'] as { updatedReplicas?: number; availableReplicas?: number; replicas?: number; observedGeneration?: number };
      return s.observedGeneration === d.metadata.generation && s.updatedReplicas === 2 && s.replicas === 2 && s.availableReplicas === 2;
    }, 'rollout complete');
    const rses = store.list('apps/replicasets', 'default').items.filter((r) => r.metadata.name.startsWith('web-'));
    expect(rses).toHaveLength(2);
    await until(() => pods('web').length === 2 && pods('web').every((p) => (p['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image === 'httpd:2'), 'new pods only');
  });

  it('garbage-collects ReplicaSets and pods of a deleted Deployment, and Endpoints of a deleted Service', async () => {
    store.delete('apps/deployments', 'default', 'web');
    store.delete('core/services', 'default', 'web');
    await until(() => pods('web').length === 0, 'pods gone');
    await until(() => store.list('apps/replicasets', 'default').items.length === 0, 'replicasets gone');
    await until(() => !store.get('core/endpoints', 'default', 'web'), 'endpoints gone');
    await until(() => store.list('discovery.k8s.io/endpointslices', 'default').items.every((s) => s.metadata.name === 'kubernetes'), 'slices gone');
  });

  it('allocates NodePorts and the LoadBalancer address, keeping NodePorts from the spec', async () => {
    store.create('core/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', namespace: 'default' },
      spec: { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ name: 'a', port: 80, nodePort: 30000 }, { name: 'b', port: 443 }] },
    });
    const svc = await until(() => {
      const s = store.get('core/services', 'default', 'lb')!;
      return (s['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ? s : undefined;
    }, 'lb status');
    const ports = (svc['spec'] as { ports: Array<{ nodePort: number }> }).ports;
    expect(ports[0]!.nodePort).toBe(30000);
    expect(ports[1]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(ports[1]!.nodePort).toBeLessThanOrEqual(32767);
    expect(svc['status']).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } });
  });

  it('deletes the content of a deleted namespace', async () => {
    store.create('core/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    await until(() => store.get('core/serviceaccounts', 'tmp', 'default'), 'default SA');
    store.create('core/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'tmp' } });
    store.delete('core/namespaces', undefined, 'tmp');
    await until(() => store.list('core/configmaps', 'tmp').items.length === 0 && store.list('core/serviceaccounts', 'tmp').items.length === 0, 'content gone');
  });
});
