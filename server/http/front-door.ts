/**
 * What stands between the network and the console, wired into server/main.ts in one place:
 * security headers and the CSP nonce on every answer, the authentication gate (--auth), the
 * identity a WebSocket carries into the hub and the per-topic authorization there, the host
 * names and origins the console answers to (--public-url), and `--read-only`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gateRequest } from '../auth/http-gate';
import type { AuthOptions } from '../auth/options';
import { AuthService } from '../auth/service';
import { SignInLimiter } from '../auth/sign-in-limit';
import { topicAuthorizer } from '../auth/topic-gate';
import { ContextRegistry, type ContextRegistryOptions } from '../context/registry';
import { WATCHED_KINDS, type ClusterCache } from '../kube/cache';
import type { Runtime } from '../runtime';
import type { ClientSession, HubOptions, TopicGrant } from '../stream/hub';
import { CONTEXT_AWARE_APIS, selectedContext } from './context-select';
import { LOOPBACK_HOSTS } from './guard';
import { applySecurityHeaders } from './security-headers';

export interface FrontDoorOptions {
  auth?: AuthOptions;
  readOnly?: boolean;
  /** URLs users reach the console at (behind an ingress or proxy): their host names and origins are accepted. */
  publicUrls?: string[];
  dev?: boolean;
  log?: (s: string) => void;
  /** The context picker's other contexts: how their services are built and when idle ones stop (server/context/registry.ts). */
  contexts?: Omit<ContextRegistryOptions, 'mode' | 'log'>;
}

export interface FrontDoor {
  auth?: AuthService;
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Serves one request: headers, gate, then Next's handler. */
  handle(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): void;
  /** False when a WebSocket handshake carries no identity (auth on, nobody signed in). */
  upgradeAllowed(req: IncomingMessage): boolean;
  /** The identity the hub keeps for this socket. */
  session(req: IncomingMessage): ClientSession | undefined;
  authorize?: HubOptions['authorize'];
  /** Stops what the front door started (the other contexts' services). */
  close(): void;
}

/** Host name and origin of each public URL; throws for anything but http(s) URLs without a path. */
export function parsePublicUrls(urls: string[]): { hosts: string[]; origins: string[] } {
  const hosts: string[] = [];
  const origins: string[] = [];
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`--public-url: "${u}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--public-url: "${u}" must be http(s)`);
    if (url.pathname !== '/' || url.search || url.username) throw new Error(`--public-url: "${u}" must be a bare origin (no path, query or credentials)`);
    hosts.push(url.hostname.toLowerCase());
    origins.push(url.origin.toLowerCase());
  }
  return { hosts, origins };
}

export function createFrontDoor(runtime: Runtime, cache: ClusterCache, opts: FrontDoorOptions): FrontDoor {
  const log = opts.log ?? ((s: string) => console.log(s));
  const pub = parsePublicUrls(opts.publicUrls ?? []);
  runtime.readOnly = !!opts.readOnly;
  runtime.publicOrigins = pub.origins;
  let auth: AuthService | undefined;
  if (opts.auth && opts.auth.mode !== 'none') {
    const secureCookie = opts.auth.secureCookie ?? (pub.origins.length > 0 && pub.origins.every((o) => o.startsWith('https:')));
    auth = new AuthService({
      auth: { ...opts.auth, secureCookie },
      kubeConfig: runtime.kubeConfig,
      kinds: WATCHED_KINDS,
      namespaces: () => cache.list('namespaces').flatMap((n) => (n.metadata?.name ? [n.metadata.name] : [])),
    });
    runtime.services.auth = auth;
    if (auth.mode === 'token') {
      log(
        opts.auth.sessionKey
          ? `gatescope: --auth token, sessions sealed with key ${auth.sealer.keyId}`
          : 'gatescope: --auth token with a random session key: sessions end when this process stops and are not shared with other replicas (set GATESCOPE_SESSION_KEY)',
      );
    } else log(`gatescope: --auth header: the user comes from ${auth.options.userHeader}, groups from ${auth.options.groupsHeader}; only the authenticating proxy may reach this port`);
  }
  // The context picker (local mode, several contexts): other contexts' services, started on first
  // use. A session that picked another context gets every topic from that context's own topics.
  let contexts: ContextRegistry | undefined;
  if (!auth && runtime.kubeConfig.getContexts().length > 1) {
    contexts = new ContextRegistry(runtime.kubeConfig, runtime.context, { ...opts.contexts, mode: runtime.mode, log });
    runtime.services.contexts = contexts;
  }
  const signInLimiter = auth?.mode === 'token' ? new SignInLimiter() : undefined;
  const byUser = auth ? topicAuthorizer(auth) : undefined;
  const authorize: HubOptions['authorize'] =
    byUser || contexts
      ? async (session, topic) => {
          const grant: TopicGrant = {};
          if (session?.context && contexts) {
            const provider = contexts.provider(session.context, topic);
            if (!provider) throw new Error(`"${topic}" is served for the console's own context (${runtime.context}) only, and the context picker selected ${session.context}`);
            grant.provider = provider;
          }
          return byUser ? { ...grant, ...(await byUser(session?.viewer, topic)) } : grant;
        }
      : undefined;

  return {
    auth,
    allowedHosts: [...LOOPBACK_HOSTS, ...pub.hosts],
    allowedOrigins: pub.origins,
    handle(req, res, next) {
      applySecurityHeaders(req, res, { dev: opts.dev });
      const path = (req.url ?? '/').split('?')[0]!;
      const other = contexts && path.startsWith('/api/') ? selectedContext(req.headers, runtime) : undefined;
      if (other && !CONTEXT_AWARE_APIS.some((r) => r.test(path))) {
        const body = { error: `${path} serves the console's own context (${runtime.context}) only, and the context picker selected ${other}`, reason: 'ContextNotServed', code: 409 };
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      if (!auth) {
        void next(req, res);
        return;
      }
      if (signInLimiter && path === '/api/auth/signin' && req.method === 'POST' && !throttleSignIn(signInLimiter, req, res)) return;
      gateRequest(req, res, auth).then(
        (answered) => (answered ? undefined : next(req, res)),
        (err: unknown) => {
          log(`gatescope: authorization check failed: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'could not check your access with the Kubernetes API server', reason: 'BadGateway', code: 502 }));
        },
      );
    },
    upgradeAllowed: (req) => !auth || !!auth.viewer(req.headers),
    session(req) {
      const context = contexts ? selectedContext(req.headers, runtime) : undefined;
      if (!auth) return context ? { context } : undefined;
      const viewer = auth.viewer(req.headers);
      return { viewer, expiresAt: viewer?.kind === 'token' ? viewer.exp : undefined };
    },
    authorize,
    close() {
      contexts?.stop();
    },
  };
}

/**
 * Sign-in throttling (../auth/sign-in-limit.ts), keyed by the socket's address: false when the
 * attempt was answered 429 here; otherwise the attempt's outcome is recorded when it is answered.
 */
function throttleSignIn(limiter: SignInLimiter, req: IncomingMessage, res: ServerResponse): boolean {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const verdict = limiter.attempt(peer, Date.now());
  if (!verdict.ok) {
    res
      .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(verdict.retryAfterSeconds), 'cache-control': 'no-store' })
      .end(JSON.stringify({ error: verdict.reason, reason: 'TooManyRequests', code: 429 }));
    return false;
  }
  res.once('finish', () => limiter.record(peer, res.statusCode === 400 || res.statusCode === 401, Date.now()));
  return true;
}
