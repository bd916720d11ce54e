/**
 * The `istio/pilot` container: the face of the istiod stand-in.
 *
 * - While it runs, the discovery server (ctx.services.xds, an IstiodXdsServer) pushes config to
 *   the gateway proxies (`attach`); when it stops, pushes stop until another istiod runs.
 * - :15014 on the pod's loopback (reachable only through pods/portforward, as istioctl does):
 *   `/debug/syncz` (`?namespace=`, `?pretty`), `/metrics`, `/version`, `/ready`.
 * - :15014 and :8080 on the pod IP (pods/proxy, services/proxy, other pods): the same, except that
 *   debug endpoints answer 401 unless the caller is on the pod's own loopback or presents a bearer
 *   token with audience `istio-ca` (pilot's allowAuthenticatedOrLocalhost; the sandbox issues no
 *   such tokens unless `verifyToken` is given, so in practice only port-forward gets through).
 *   The kubelet's readiness probe reads `/ready` on :8080.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../kubelet/container';
import { ISTIO_VERSION } from '../envoy/constants';
import { goJson } from './go-format';
import { parseSynczQuery, renderSyncz } from './syncz';
import { IstiodXdsServer, istioLogLine } from './xds-server';

export interface IstiodOptions {
  /**
   * Token review for debug requests that do not come from the pod's loopback: the audiences the
   * token was issued for, or undefined when it is not valid. Default: no token is valid.
   */
  verifyToken?: (token: string) => { audiences: string[] } | undefined;
}

/** istio's version.Info.String(): `<version>-<git sha>-<go version>-<build status>-<tag>`. */
export const ISTIOD_VERSION_STRING = `${ISTIO_VERSION}-5f8b3cbb9e2a9a9b8ae5c2a0f2e7d6c4b1a3e9f0-go1.24.3-Clean-${ISTIO_VERSION}`;

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || /^(::ffff:)?127\./.test(addr);
}

export class IstiodImpl implements ContainerImpl {
  constructor(private readonly opts: IstiodOptions = {}) {}

  async start(ctx: ContainerContext): Promise<RunningContainer> {
    const xds = ctx.services.xds instanceof IstiodXdsServer ? ctx.services.xds : undefined;
    const started = Date.now();
    const log = (level: 'info' | 'warn' | 'error', scope: string, msg: string) => ctx.log(istioLogLine(level, scope, msg));

    const allowDebug = (req: IncomingMessage, fromPodLoopback: boolean): boolean => {
      if (fromPodLoopback && isLoopback(req.socket.remoteAddress)) return true;
      const auth = String(req.headers.authorization ?? '');
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m || !this.opts.verifyToken) return false;
      try {
        return this.opts.verifyToken(m[1]!)?.audiences.includes('istio-ca') ?? false;
      } catch {
        return false;
      }
    };

    const handler = (fromPodLoopback: boolean) => (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      const url = new URL(req.url ?? '/', 'http://istiod.local');
      const send = (status: number, body: string, type?: string) => {
        const headers: Record<string, string | number> = { date: new Date().toUTCString(), 'content-length': Buffer.byteLength(body) };
        if (type) headers['content-type'] = type;
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      switch (url.pathname) {
        case '/ready':
          return send(200, '');
        case '/version':
          return send(200, ISTIOD_VERSION_STRING, 'text/plain; charset=utf-8');
        case '/metrics':
          return send(200, xds?.metrics.render() ?? '', 'text/plain; version=0.0.4; charset=utf-8');
        case '/debug/syncz': {
          if (!allowDebug(req, fromPodLoopback)) {
            log('error', 'ads', `Failed to authenticate ${req.url ?? ''} [Authenticator KubeJWTAuthenticator: no bearer token or no audience istio-ca]`);
            return send(401, '');
          }
          return send(200, renderSyncz(xds?.syncState() ?? [], parseSynczQuery(url.searchParams)), 'application/json');
        }
        case '/debug/list':
          if (!allowDebug(req, fromPodLoopback)) return send(401, '');
          return send(200, goJson(['/debug/syncz']), 'application/json');
        default:
          return send(404, '404 page not found\n', 'text/plain; charset=utf-8');
      }
    };

    const servers: Server[] = [createServer(handler(true)), createServer(handler(false)), createServer(handler(false))];
    for (const s of servers) s.keepAliveTimeout = 5_000;
    await ctx.listen(servers[0]!, 15014, 'loopback');
    await ctx.listen(servers[1]!, 15014, 'pod');
    await ctx.listen(servers[2]!, 8080, 'pod');

    log('info', 'bootstrap', `starting discovery service (sandbox stand-in for istiod ${ISTIO_VERSION})`);
    const attached = xds?.attach({ log: (line) => ctx.log(line) }, ctx.store);
    if (!xds) log('warn', 'ads', 'no discovery server in this sandbox (ctx.services.xds): gateways will not be configured');
    log('info', 'bootstrap', `Discovery server ready in ${((Date.now() - started) / 1000).toFixed(6)}s`);
    ctx.setReady(true);

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      attached?.detach();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              if (!s.listening) return resolve();
              s.close(() => resolve());
            }),
        ),
      );
    };
    ctx.signal.addEventListener('abort', () => void stop(), { once: true });
    return { stop };
  }
}
