import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type StoredObject } from '../api/store';
import { StoreEventRecorder } from '../controllers/events';
import { until } from '../test-support/kubectl';
import type { ContainerContext, ImageResolver } from './container';
import { Kubelet } from './kubelet';

const contexts = new Map<string, ContainerContext>();
let failures = 0;
const resolver: ImageResolver = (c) => {
  if (c.image === 'test/files') return { start: async (ctx) => (contexts.set(ctx.pod.metadata.name, ctx), { stop: async () => {} }) };
  if (c.image === 'test/slow-ready')
    return {
      start: async (ctx) => {
        ctx.setReady(false);
        contexts.set(ctx.pod.metadata.name, ctx);
        return { stop: async () => {} };
      },
    };
  if (c.image === 'test/crash')
    return {
      start: async () => {
        failures++;
        if (failures < 3) throw new Error('exec format error');
        return { stop: async () => {} };
      },
    };
  return undefined;
};

const pod = (name: string, image: string, extra: Record<string, unknown> = {}): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image, ...extra }], ...((extra['podSpec'] as object) ?? {}) },
  status: { phase: 'Pending' },
});

type Status = { phase?: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ ready: boolean; restartCount: number; state: Record<string, { reason?: string }>; lastState: Record<string, unknown> }> };
const statusOf = (store: Store, name: string) => (store.get('core/pods', 'default', name)?.['status'] ?? {}) as Status;
const ready = (s: Status) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('Kubelet on a bare store', () => {
  const store = new Store();
  const events = new StoreEventRecorder(store);
  let kubelet: Kubelet;
  beforeAll(async () => {
    kubelet = await Kubelet.start({ store, imageResolver: resolver, events, restartBackoffMs: 20 });
  });
  afterAll(async () => {
    events.close();
    await kubelet.close();
  });

  it('mounts Secret and ConfigMap volumes into files, and updates them when the Secret changes', async () => {
    store.create('core/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'certs', namespace: 'default' }, data: { 'tls.crt': Buffer.from('CERT').toString('base64') } });
    store.create('core/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { mesh: 'accessLogFile: /dev/stdout' } });
    const p = pod('files', 'test/files', { volumeMounts: [{ name: 'certs', mountPath: '/etc/certs' }, { name: 'cfg', mountPath: '/etc/istio/config/' }] });
    (p['spec'] as Record<string, unknown>)['volumes'] = [
      { name: 'certs', secret: { secretName: 'certs' } },
      { name: 'cfg', configMap: { name: 'cfg' } },
    ];
    store.create('core/pods', p);
    const ctx = await until(() => contexts.get('files'), 'container start');
    expect(ctx.files.get('/etc/certs/tls.crt')).toBe('CERT');
    expect(ctx.files.get('/etc/istio/config/mesh')).toBe('accessLogFile: /dev/stdout');
    store.mutate('core/secrets', 'default', 'certs', (s) => {
      s['data'] = { 'tls.crt': Buffer.from('NEW').toString('base64') };
    });
    await until(() => ctx.files.get('/etc/certs/tls.crt') === 'NEW', 'remount');
  });

  it('keeps a pod in ContainerCreating while a Secret volume is missing, and starts it once the Secret exists', async () => {
    const p = pod('waits', 'test/files', { volumeMounts: [{ name: 's', mountPath: '/s' }] });
    (p['spec'] as Record<string, unknown>)['volumes'] = [{ name: 's', secret: { secretName: 'later' } }];
    store.create('core/pods', p);
    await until(() => statusOf(store, 'waits').containerStatuses?.[0]?.state['waiting']?.reason === 'ContainerCreating', 'ContainerCreating');
    events.flush();
    expect(store.list('core/events', 'default').items.map((e) => e['message'])).toContain('MountVolume.SetUp failed for volume "s" : secret "later" not found');
    store.create('core/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'later', namespace: 'default' }, data: { k: Buffer.from('v').toString('base64') } });
    await until(() => statusOf(store, 'waits').phase === 'Running', 'Running');
    expect(contexts.get('waits')!.files.get('/s/k')).toBe('v');
  });

  it('a container that says it is not ready keeps the pod un-ready until it says so', async () => {
    store.create('core/pods', pod('slow', 'test/slow-ready'));
    const ctx = await until(() => contexts.get('slow'), 'start');
    await until(() => statusOf(store, 'slow').phase === 'Running', 'Running');
    expect(ready(statusOf(store, 'slow'))).toBe(false);
    ctx.setReady(true);
    await until(() => ready(statusOf(store, 'slow')), 'Ready');
  });

  it('restarts a container whose start fails, with back-off, counting restarts', async () => {
    store.create('core/pods', pod('crash', 'test/crash'));
    await until(() => statusOf(store, 'crash').containerStatuses?.[0]?.state['waiting']?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff');
    const s = await until(() => {
      const st = statusOf(store, 'crash');
      return ready(st) ? st : undefined;
    }, 'running after restarts');
    expect(s.containerStatuses![0]!.restartCount).toBe(2);
    expect(s.containerStatuses![0]!.lastState['terminated']).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(kubelet.containerLog('default', 'crash', 'c', true)!.read().map((l) => l.text)).toEqual(['sandbox: container c failed to start: exec format error']);
  });

  it('acts on fault annotations: restart, unready', async () => {
    store.create('core/pods', pod('faulty', 'test/files'));
    await until(() => ready(statusOf(store, 'faulty')), 'Ready');
    store.mutate('core/pods', 'default', 'faulty', (p) => {
      p.metadata.annotations = { 'fault.sandbox.gatescope.io/restart': '1', 'fault.sandbox.gatescope.io/unready': 'true' };
    });
    await until(() => statusOf(store, 'faulty').containerStatuses?.[0]?.restartCount === 1 && !ready(statusOf(store, 'faulty')), 'restarted and un-ready');
    store.mutate('core/pods', 'default', 'faulty', (p) => {
      p.metadata.annotations = { 'fault.sandbox.gatescope.io/restart': '1' };
    });
    await until(() => ready(statusOf(store, 'faulty')), 'ready again');
    expect(statusOf(store, 'faulty').containerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('stops a pod marked for deletion and removes it from the store', async () => {
    store.create('core/pods', pod('doomed', 'test/files'));
    const ctx = await until(() => contexts.get('doomed'), 'start');
    store.mutate('core/pods', 'default', 'doomed', (p) => {
      p.metadata.deletionTimestamp = new Date().toISOString();
    });
    await until(() => !store.get('core/pods', 'default', 'doomed'), 'removed');
    expect(ctx.signal.aborted).toBe(true);
  });
});

describe('container environment', () => {
  it('resolves fieldRef, ConfigMap and Secret values and expands $(VAR) in args', async () => {
    const { resolveContainer } = await import('./container-env');
    const store = new Store();
    store.create('core/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'istio-system' }, data: { level: 'debug' } });
    const p: StoredObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-1', namespace: 'istio-system', labels: { app: 'gw' } }, spec: {} };
    const c = resolveContainer(store, p, {
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.26.1',
      args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '$(UNKNOWN)', '$$(POD_NAMESPACE)'],
      env: [
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cm', key: 'level' } } },
        { name: 'URL', value: 'http://$(IP):15000' },
      ] as never,
    }, '127.9.0.2', '127.0.0.1');
    expect(c.args).toEqual(['proxy', 'router', '--domain', 'istio-system.svc.cluster.local', '$(UNKNOWN)', '$(POD_NAMESPACE)']);
    expect(Object.fromEntries(c.env!.map((e) => [e.name, e.value]))).toEqual({ POD_NAMESPACE: 'istio-system', APP: 'gw', IP: '127.9.0.2', LEVEL: 'debug', URL: 'http://127.9.0.2:15000' });
  });
});
