/**
 * Test support: run one ContainerImpl with a fake ContainerContext (pod-scope listeners on
 * 127.0.0.1:<ephemeral>, loopback ones likewise, recorded per declared port).
 */
import type { AddressInfo, Server } from 'node:net';
import { Store, type StoredObject } from '../../api/store';
import type { ContainerContext, ContainerImpl, RunningContainer, SandboxServices } from '../../kubelet/container';

export interface FakeContainer {
  ctx: ContainerContext;
  running: RunningContainer;
  logs: string[];
  ready: boolean[];
  /** declared port → real port on 127.0.0.1 (pod scope). */
  podPorts: Map<number, number>;
  loopbackPorts: Map<number, number>;
  abort(): void;
}

export async function runContainer(
  impl: ContainerImpl,
  opts: { image: string; labels?: Record<string, string>; ports?: number[]; name?: string; namespace?: string; services?: SandboxServices; store?: Store; args?: string[] },
): Promise<FakeContainer> {
  const ac = new AbortController();
  const logs: string[] = [];
  const ready: boolean[] = [];
  const podPorts = new Map<number, number>();
  const loopbackPorts = new Map<number, number>();
  const pod: StoredObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: opts.name ?? 'pod-1', namespace: opts.namespace ?? 'default', labels: opts.labels ?? {}, creationTimestamp: '2026-01-01T00:00:00Z', uid: 'uid-1' },
    spec: { containers: [{ name: 'c', image: opts.image }] },
    status: { podIP: '127.0.0.1' },
  };
  const ctx: ContainerContext = {
    pod,
    podIP: '127.0.0.1',
    containerName: 'c',
    container: { name: 'c', image: opts.image, args: opts.args, ports: opts.ports?.map((containerPort) => ({ containerPort })) },
    store: opts.store ?? new Store(),
    files: new Map(),
    log: (l) => logs.push(l),
    listen: (server: Server, port, scope) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          (scope === 'pod' ? podPorts : loopbackPorts).set(port, (server.address() as AddressInfo).port);
          resolve();
        });
      }),
    setReady: (r) => ready.push(r),
    signal: ac.signal,
    services: opts.services ?? {},
  };
  const running = await impl.start(ctx);
  return { ctx, running, logs, ready, podPorts, loopbackPorts, abort: () => ac.abort() };
}
