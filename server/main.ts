/**
 * The console's custom Node server: one HTTP port serving the Next.js app, the REST API (Next route
 * handlers) and the WebSocket hub at /api/stream.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import next from 'next';
import { ensureBuild } from './build';
import { hostAllowed, type GuardOptions } from './http/guard';
import { attachUpgrade } from './http/upgrade';
import { createFrontDoor, type FrontDoorOptions } from './http/front-door';
import { setRuntime, type Runtime } from './runtime';
import { Hub } from './stream/hub';
import { createContextServices } from './context/bundle';
import { TrafficHistoryService } from './traffic/history';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ConsoleOptions {
  port: number;
  host: string;
  /** Kubeconfig file; undefined with inCluster false means the default loading rules. */
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  mode: Runtime['mode'];
  dev?: boolean;
  log?: (s: string) => void;
  /** --auth, --read-only, --public-url (server/http/front-door.ts). */
  auth?: FrontDoorOptions['auth'];
  readOnly?: boolean;
  publicUrls?: string[];
  /** --prometheus-url: traffic history from Istio's standard metrics (server/traffic/history.ts). */
  prometheusUrl?: string;
}

export interface RunningConsole {
  url: string;
  port: number;
  server: Server;
  runtime: Runtime;
  close(): Promise<void>;
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', 'localhost', '::1']);

export class StartupError extends Error {}

export function loadKubeConfig(opts: Pick<ConsoleOptions, 'kubeconfig' | 'context' | 'inCluster'>): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new StartupError(`cannot read kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${(err as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new StartupError(`context "${opts.context}" not found in kubeconfig (contexts: ${names.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new StartupError('the kubeconfig has no current cluster: pass --context or --kubeconfig');
  return kc;
}

export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const log = opts.log ?? ((s: string) => console.log(s));
  if (!LOOPBACK_ADDRESSES.has(opts.host) && (opts.auth?.mode ?? 'none') === 'none') {
    throw new StartupError(
      `refusing to listen on ${opts.host}: gatescope acts with your kubeconfig's identity, so it listens on loopback only. ` +
        'Use --host 127.0.0.1, or start it with an authentication mode (--auth token or --auth header) so each user acts with their own identity.',
    );
  }
  const kubeConfig = loadKubeConfig(opts);
  const runtime: Runtime = {
    mode: opts.mode,
    kubeConfig,
    context: kubeConfig.getCurrentContext(),
    server: kubeConfig.getCurrentCluster()?.server ?? '',
    startedAt: new Date(),
    services: {},
  };
  // The console's own context's services (server/context/bundle.ts; the context picker builds
  // another context's the same way on first use). The cache starts here, the rest with the hub.
  const primary = createContextServices(kubeConfig, runtime.context, { log });
  const { cache, envoy, sync, drift, topology, history } = primary;
  Object.assign(runtime.services, { cache, envoy, sync, drift, topology, history });
  if (opts.prometheusUrl) runtime.services.trafficHistory = new TrafficHistoryService(opts.prometheusUrl, cache);
  let door: ReturnType<typeof createFrontDoor>;
  try {
    door = createFrontDoor(runtime, cache, { auth: opts.auth, readOnly: opts.readOnly, publicUrls: opts.publicUrls, dev: opts.dev, log });
  } catch (err) {
    primary.stop();
    throw new StartupError((err as Error).message);
  }
  setRuntime(runtime);

  if (!opts.dev) await ensureBuild(REPO_ROOT, log);
  const app = next({ dev: !!opts.dev, dir: REPO_ROOT, hostname: opts.host, port: opts.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const guard: GuardOptions = { allowedHosts: door.allowedHosts, allowedOrigins: door.allowedOrigins, port: opts.port };
  const server = createServer((req, res) => {
    if (!hostAllowed(req, guard)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('gatescope: unexpected Host header (DNS rebinding protection)\n');
      return;
    }
    door.handle(req, res, handle);
  });
  const hub = new Hub({ context: runtime.context, mode: runtime.mode, authorize: door.authorize });
  runtime.services.hub = hub;
  primary.start(hub);
  runtime.services.logs = primary.logs;
  const wss = attachUpgrade(server, {
    guard,
    onConnection: (ws, req) => hub.accept(ws, door.session(req)),
    authenticate: door.upgradeAllowed,
    nextUpgrade: opts.dev ? app.getUpgradeHandler() : undefined,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new StartupError(`port ${opts.port} is in use: pass --port`) : err),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  guard.port = port;
  const url = `http://${opts.host === '::1' ? '[::1]' : opts.host}:${port}`;

  return {
    url,
    port,
    server,
    runtime,
    async close() {
      hub.close();
      wss.close();
      primary.stop();
      door.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close?.();
      setRuntime(undefined);
    },
  };
}
