/**
 * `startSandbox()`: the built-in cluster in one call — a CA and server certificate generated at
 * start, the Kubernetes API server on 127.0.0.1 over HTTPS with a random bearer token, the
 * controllers, the kubelet (pods on 127.X.0.0/16), the scenario, the data plane, and a kubeconfig
 * (context `gatescope-sandbox`) through which the console and kubectl reach it.
 * `close()` stops all of it (sockets, timers, temporary files), so one process can start and
 * stop several sandboxes (tests do).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bearerTokens, createApiServer } from './api/server';
import { impersonating } from './api/impersonate';
import type { Store } from './api/store';
import { Store as StoreImpl } from './api/store';
import { createSubresourceHooks } from './api/subresources';
import { generateCa, issueServerCert } from './api/tls';
import type { AuthenticatedUser, SandboxApiServer } from './api/types';
import { createControllers } from './controllers/manager';
import type { DataPlane, RunningDataPlane, SandboxBaseServices } from './data-plane';
import type { ImageResolver, SandboxServices } from './kubelet/container';
import { Kubelet } from './kubelet/kubelet';
import { applyScenario, DEFAULT_SCENARIO, loadScenario } from './scenarios/load';

export const CONTEXT_NAME = 'gatescope-sandbox';
/** The data plane's fixed listeners before the offset: LoadBalancer 80/443/3306, NodePorts 30000/30443/30306. */
export const DATA_PLANE_PORTS = [80, 443, 3306, 30000, 30443, 30306];

export interface SandboxOptions {
  /** Where to write the kubeconfig (default: a temporary directory removed by close()). */
  kubeconfigOut?: string;
  /** API server port on 127.0.0.1 (default 0: a free port). */
  apiPort?: number;
  /** Built-in scenario name, a YAML file or a directory (default `ingress-basics`); false: none. */
  scenario?: string | false;
  /** Added to every listener the data plane opens (LoadBalancer ports, NodePorts). Default 0. */
  portOffset?: number;
  /** Container behaviours by image, consulted before the data plane's. */
  imageResolver?: ImageResolver;
  /** The data plane (default: `./mesh/data-plane.ts` when present); false: none (generic containers only). */
  dataPlane?: DataPlane | false;
  /** Generated requests per second (default 10; 0 = off). Passed to the data plane. */
  traffic?: number;
  /** X of the pod network 127.X.0.0/16 (default: the first free one). */
  podCidrOctet?: number;
  /** Extra entries for SandboxServices (what containers see as ctx.services). */
  services?: SandboxServices;
  /** Maximum number of Events kept. */
  maxEvents?: number;
  /** Interval of watch BOOKMARK events (default 60 s, as kube-apiserver); tests shorten it. */
  bookmarkIntervalMs?: number;
  /** Where the sandbox's own messages go (default: nowhere). */
  log?: (line: string) => void;
  /**
   * More users, by bearer token, besides the admin of the kubeconfig (e.g. one with RBAC-like
   * `rules` allowing only get/list/watch, for 403 tests). They are not written to the kubeconfig.
   */
  users?: Record<string, AuthenticatedUser>;
}

export interface RunningSandbox {
  kubeconfigPath: string;
  /** `https://127.0.0.1:<port>` */
  apiUrl: string;
  apiPort: number;
  /** The bearer token of the sandbox admin (also in the kubeconfig). */
  token: string;
  /** PEM of the CA that signed the API server's certificate (also in the kubeconfig). */
  caPem: string;
  contextName: string;
  store: Store;
  kubelet: Kubelet;
  server: SandboxApiServer;
  services: SandboxServices & SandboxBaseServices;
  portOffset: number;
  close(): Promise<void>;
}

/** The kubeconfig YAML for a sandbox (one cluster, user and context named after CONTEXT_NAME). */
export function kubeconfigFor(apiUrl: string, caPem: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    `- name: ${CONTEXT_NAME}`,
    '  cluster:',
    `    server: ${apiUrl}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:',
    `- name: ${CONTEXT_NAME}-admin`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${CONTEXT_NAME}`,
    '  context:',
    `    cluster: ${CONTEXT_NAME}`,
    `    user: ${CONTEXT_NAME}-admin`,
    '    namespace: default',
    `current-context: ${CONTEXT_NAME}`,
    '',
  ].join('\n');
}

/** The mesh's data plane when its module exists (it is optional while being written). */
async function defaultDataPlane(log: (l: string) => void): Promise<DataPlane | undefined> {
  const spec = './mesh/data-plane';
  try {
    const mod = (await import(/* @vite-ignore */ spec)) as { createDataPlane?: () => DataPlane | Promise<DataPlane> };
    return mod.createDataPlane ? await mod.createDataPlane() : undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String((err as Error).message))) return undefined;
    log(`sandbox: data plane failed to load: ${(err as Error).message}`);
    throw err;
  }
}

function listen(server: SandboxApiServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const log = options.log ?? (() => {});
  // Without an explicit offset, the scenario's ports when they can be bound (root, or free), else
  // the first offset that frees them all (ports < 1024 need root; 80 may be taken).
  const dataPlaneWanted = options.dataPlane !== false;
  let portOffset = options.portOffset ?? 0;
  if (options.portOffset === undefined && dataPlaneWanted && !(await allBindable(DATA_PLANE_PORTS))) {
    portOffset = await findFreePortOffset(DATA_PLANE_PORTS, { min: 10000, max: 30000, step: 1000 });
    log(`sandbox: ports ${DATA_PLANE_PORTS.join(', ')} cannot all be bound here; the data plane uses them + ${portOffset}`);
  }
  const trafficRps = options.traffic ?? 10;
  if (!Number.isInteger(portOffset) || portOffset < 0 || portOffset > 30000) throw new Error(`portOffset must be an integer 0..30000, got ${portOffset}`);
  if (!Number.isFinite(trafficRps) || trafficRps < 0) throw new Error(`traffic must be a number >= 0, got ${trafficRps}`);
  // Parse the scenario first: a typo should fail before anything listens.
  const scenarioName = options.scenario === false ? undefined : (options.scenario ?? DEFAULT_SCENARIO);
  const objects = scenarioName ? loadScenario(scenarioName) : [];
  const dataPlane = options.dataPlane === false ? undefined : (options.dataPlane ?? (await defaultDataPlane(log)));

  const cleanups: Array<() => Promise<void> | void> = [];
  const runCleanups = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`sandbox: error while stopping: ${(err as Error).message}`);
      }
    }
    cleanups.length = 0;
  };
  try {
    const ca = await generateCa();
    const cert = await issueServerCert(ca, ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.96.0.1']);
    const token = randomBytes(32).toString('hex');
    const store = new StoreImpl();
    const controllers = createControllers({ store, caPem: ca.certPem, maxEvents: options.maxEvents });
    cleanups.push(() => controllers.close());

    const services = { ...(dataPlane?.services ?? {}), ...(options.services ?? {}) } as SandboxServices & SandboxBaseServices;
    const resolver: ImageResolver = (c, pod) => options.imageResolver?.(c, pod) ?? dataPlane?.imageResolver?.(c, pod);
    const kubelet = await Kubelet.start({ store, imageResolver: resolver, services, podCidrOctet: options.podCidrOctet, events: controllers.events });
    cleanups.push(() => kubelet.close());
    Object.assign(services, {
      portOffset,
      trafficRps,
      podNetwork: { cidr: kubelet.podCidr, resolve: (ip: string, port: number) => kubelet.resolvePodPort(ip, port) },
    } satisfies SandboxBaseServices);

    const hooks = createSubresourceHooks(store, kubelet);
    cleanups.push(() => hooks.close());
    const server = createApiServer({
      store,
      tls: { key: cert.keyPem, cert: cert.certPem },
      authenticate: impersonating(bearerTokens({ ...options.users, [token]: { user: 'sandbox-admin', groups: ['system:masters', 'system:authenticated'] } }), Object.values(options.users ?? {})),
      subresources: hooks,
      ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
    });
    const apiPort = await listen(server, options.apiPort ?? 0);
    cleanups.push(() => server.shutdown());
    const apiUrl = `https://127.0.0.1:${apiPort}`;

    // A fresh cluster's content, then the scenario, then the controllers act on all of it.
    controllers.bootstrap({ apiPort });
    if (objects.length) {
      const r = applyScenario(store, objects);
      log(`sandbox: scenario ${scenarioName}: ${r.created} objects${r.skipped.length ? `, skipped ${r.skipped.join(', ')}` : ''}`);
    }
    controllers.start();

    let running: RunningDataPlane | undefined;
    if (dataPlane?.start) {
      running = await dataPlane.start({ store, services, portOffset, trafficRps, resolvePodPort: (ip, port) => kubelet.resolvePodPort(ip, port), log });
      // Stop the data plane first: its listeners and traffic reach into the pods.
      cleanups.push(() => running!.stop());
    }

    let kubeconfigPath = options.kubeconfigOut;
    if (!kubeconfigPath) {
      const dir = mkdtempSync(join(tmpdir(), 'gatescope-sandbox-'));
      kubeconfigPath = join(dir, 'kubeconfig');
      cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
    }
    mkdirSync(dirname(kubeconfigPath), { recursive: true });
    writeFileSync(kubeconfigPath, kubeconfigFor(apiUrl, ca.certPem, token), { mode: 0o600 });

    let closing: Promise<void> | undefined;
    return {
      kubeconfigPath,
      apiUrl,
      apiPort,
      token,
      caPem: ca.certPem,
      contextName: CONTEXT_NAME,
      store,
      kubelet,
      server,
      services,
      portOffset,
      close: () => (closing ??= runCleanups()),
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}

async function allBindable(ports: number[]): Promise<boolean> {
  for (const p of ports) if (!(await canBind(p))) return false;
  return true;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * An offset such that every `port + offset` is free on 127.0.0.1 (for tests that need the data
 * plane's fixed ports: `findFreePortOffset(DATA_PLANE_PORTS, { min: 10000, max: 20000 })`).
 * Starts at a random place in [min, max] so parallel test files rarely pick the same one; a port
 * taken between this check and the sandbox's bind still fails there.
 */
export async function findFreePortOffset(ports: number[] = DATA_PLANE_PORTS, opts: { min?: number; max?: number; step?: number } = {}): Promise<number> {
  const min = opts.min ?? 10000;
  const max = opts.max ?? 30000;
  const step = opts.step ?? 1;
  const count = Math.floor((max - min) / step) + 1;
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count && i < 2000; i++) {
    const offset = min + ((start + i) % count) * step;
    if (ports.some((p) => p + offset > 65535)) continue;
    let ok = true;
    for (const p of ports) {
      if (!(await canBind(p + offset))) {
        ok = false;
        break;
      }
    }
    if (ok) return offset;
  }
  throw new Error(`no port offset in [${min}, ${max}] leaves ${ports.join(', ')} all free`);
}
