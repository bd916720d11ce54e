import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_ROOT } from './scenarios/load';
import { DATA_PLANE_PORTS, findFreePortOffset, startSandbox, type RunningSandbox } from './start';
import { hasKubectl, kubectl, until } from './test-support/kubectl';

type Obj = Record<string, unknown>;

describe('startSandbox with the ingress-basics scenario', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  const k = (...args: string[]) => kubectl(sb.kubeconfigPath, args);
  const readyPods = (app: string) =>
    sb.store
      .list('core/pods', 'default')
      .items.filter((p) => p.metadata.labels?.['app'] === app && !p.metadata.deletionTimestamp)
      .filter((p) => ((p['status'] as Obj)['conditions'] as Array<{ type: string; status: string }> | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const endpointAddresses = (svc: string, version?: string) => {
    const ep = sb.store.get('core/endpoints', 'default', svc);
    const addrs = ((ep?.['subsets'] as Array<{ addresses?: Array<{ targetRef: { name: string } }> }> | undefined) ?? []).flatMap((s) => s.addresses ?? []);
    return version ? addrs.filter((a) => a.targetRef.name.startsWith(`httpd-${version}-`)) : addrs;
  };

  beforeAll(async () => {
    sb = await startSandbox({ dataPlane: false });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('writes a kubeconfig with the CA, the server URL, the token and the gatescope-sandbox context', async () => {
    expect(kc.getCurrentContext()).toBe('gatescope-sandbox');
    expect(kc.getCurrentCluster()?.server).toBe(sb.apiUrl);
    expect(kc.getCurrentUser()?.token).toBe(sb.token);
    const api = kc.makeApiClient(CoreV1Api);
    const nodes = await api.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['sandbox-node']);
    expect(nodes.items[0]!.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
  });

  it('a client-node informer on pods sees the scenario pods, Running with pod IPs', async () => {
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
    const seen = new Map<string, V1Pod>();
    informer.on('add', (p) => seen.set(`${p.metadata?.namespace}/${p.metadata?.name}`, p));
    informer.on('update', (p) => seen.set(`${p.metadata?.namespace}/${p.metadata?.name}`, p));
    await informer.start();
    try {
      const running = await until(() => {
        const ps = [...seen.values()].filter((p) => p.status?.phase === 'Running');
        return ps.length >= 8 ? ps : undefined;
      }, 'eight running pods');
      const names = running.map((p) => p.metadata!.name!);
      for (const prefix of ['istio-ingressgateway-', 'istiod-', 'counter-', 'httpbin-', 'httpd-v1-', 'httpd-v2-', 'mysql-']) {
        expect(names.some((n) => n.startsWith(prefix)), prefix).toBe(true);
      }
      const octet = sb.kubelet.network.octet;
      for (const p of running) expect(p.status?.podIP).toMatch(new RegExp(`^127\\.${octet}\\.`));
    } finally {
      await informer.stop();
    }
  });

  it.skipIf(!hasKubectl)('kubectl scale deploy/httpd-v1 --replicas=3 gives 3 Ready pods and 3 endpoint addresses, and back to 1', async () => {
    const r = await k('scale', 'deploy/httpd-v1', '--replicas=3');
    expect(r.stderr).toBe('');
    await until(() => readyPods('httpd').filter((p) => p.metadata.labels?.['version'] === 'v1').length === 3, '3 ready httpd-v1 pods');
    await until(() => endpointAddresses('web-service', 'v1').length === 3, '3 v1 endpoint addresses');
    const rollout = await k('rollout', 'status', 'deploy/httpd-v1', '--timeout=20s');
    expect(rollout.stdout).toContain('successfully rolled out');
    await k('scale', 'deploy/httpd-v1', '--replicas=1');
    await until(() => endpointAddresses('web-service', 'v1').length === 1, 'one v1 endpoint address');
    await until(() => sb.store.list('core/pods', 'default').items.filter((p) => p.metadata.name.startsWith('httpd-v1-')).length === 1, 'one httpd-v1 pod');
  });

  it.skipIf(!hasKubectl)('a deleted pod is replaced', async () => {
    const [victim] = await until(() => {
      const ps = readyPods('counter');
      return ps.length === 1 ? ps : undefined;
    }, 'the counter pod');
    const r = await k('delete', 'pod', victim!.metadata.name, '--wait=true');
    expect(r.code).toBe(0);
    const [replacement] = await until(() => {
      const ps = readyPods('counter');
      return ps.length === 1 && ps[0]!.metadata.name !== victim!.metadata.name ? ps : undefined;
    }, 'a ready replacement');
    expect(replacement!.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
  });

  it.skipIf(!hasKubectl)('deleting a Deployment garbage-collects its ReplicaSets and pods', async () => {
    const d = sb.store.get('apps/deployments', 'default', 'httpd-v2')!;
    const rsNames = sb.store.list('apps/replicasets', 'default').items.filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === d.metadata.uid).map((rs) => rs.metadata.name);
    expect(rsNames.length).toBeGreaterThan(0);
    const r = await k('delete', 'deployment', 'httpd-v2');
    expect(r.code).toBe(0);
    await until(() => rsNames.every((n) => !sb.store.get('apps/replicasets', 'default', n)), 'replicasets gone');
    await until(() => sb.store.list('core/pods', 'default').items.every((p) => !p.metadata.name.startsWith('httpd-v2-')), 'pods gone');
    await until(() => endpointAddresses('web-service', 'v2').length === 0, 'v2 endpoints gone');
  });

  it.skipIf(!hasKubectl)('kubectl apply --dry-run=server accepts the troubleshooting scenario', async () => {
    const r = await k('apply', '--dry-run=server', '-f', join(SCENARIO_ROOT, 'troubleshooting'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/virtualservice.networking.istio.io\/shop (created|configured) \(server dry run\)/);
    expect(r.stdout).toMatch(/ingress.networking.k8s.io\/web-legacy created \(server dry run\)/);
    expect(sb.store.get('networking.istio.io/virtualservices', 'default', 'shop')).toBeUndefined();
  });

  it('allocates the LoadBalancer status and keeps the scenario NodePorts', async () => {
    const svc = await until(() => {
      const s = sb.store.get('core/services', 'istio-system', 'istio-ingressgateway');
      return (s?.['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress ? s : undefined;
    }, 'LoadBalancer status');
    const ports = (svc['spec'] as { ports: Array<{ name: string; nodePort?: number }> }).ports;
    expect(Object.fromEntries(ports.map((p) => [p.name, p.nodePort]))).toMatchObject({ http2: 30000, https: 30443, 'tcp-mysql': 30306 });
    expect(sb.services.portOffset).toBe(0);
  });
});

describe('several sandboxes in one process', () => {
  it('start on different pod networks and API ports, and close cleanly', async () => {
    const [a, b] = await Promise.all([startSandbox({ dataPlane: false, scenario: false }), startSandbox({ dataPlane: false, scenario: false })]);
    try {
      expect(a!.kubelet.network.octet).not.toBe(b!.kubelet.network.octet);
      expect(a!.apiPort).not.toBe(b!.apiPort);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
    expect(a!.server.listening).toBe(false);
  });

  it('findFreePortOffset returns an offset where all data-plane ports are free', async () => {
    const offset = await findFreePortOffset(DATA_PLANE_PORTS, { min: 20000, max: 30000 });
    expect(offset).toBeGreaterThanOrEqual(20000);
    expect(offset).toBeLessThanOrEqual(30000);
  });
});

describe('data-plane ports without --port-offset', () => {
  it('moves every data-plane port by one offset when one of them cannot be bound', async () => {
    // Hold 3306 (as a local MySQL would); ports < 1024 as non-root fail the same way.
    const { createServer } = await import('node:net');
    const holder = createServer();
    const held = await new Promise<boolean>((r) => {
      holder.once('error', () => r(false));
      holder.listen({ port: 3306, host: '127.0.0.1', exclusive: true }, () => r(true));
    });
    const lines: string[] = [];
    const sb = await startSandbox({ traffic: 0, log: (l) => lines.push(l) });
    try {
      expect(sb.services.portOffset).toBeGreaterThanOrEqual(10000);
      expect(sb.services.portOffset % 1000).toBe(0);
      expect(lines.join('\n')).toContain(`the data plane uses them + ${sb.services.portOffset}`);
    } finally {
      await sb.close();
      if (held) await new Promise<void>((r) => holder.close(() => r()));
    }
  }, 60_000);
});
