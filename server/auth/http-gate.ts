/**
 * The custom server's gate in front of Next for `--auth token|header`: who may reach which path.
 *
 * - Always open: `/api/health`, Next's static assets, and (token mode) the sign-in page and its
 *   API (`/signin`, `/api/auth/*`).
 * - Nobody signed in: API calls get 401 JSON; page loads are redirected to `/signin?next=<path>`
 *   (token mode) or get 401 (header mode: the proxy should have named a user).
 * - Signed in: pages and `/api/resources`, `/api/access`, `/api/proxies` pass (their handlers act
 *   as the user and filter the cache by the user's read access); every other API (topology,
 *   sync, logs, traffic… views over every namespace) needs cluster-wide list on every watched kind.
 *   A token the API server no longer accepts ends the session (cookie cleared, 401).
 * Route handlers check the identity again themselves (server/auth/request.ts): this gate is the
 * outer wall, not the only one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUnauthenticated } from './read-access';
import type { AuthService } from './service';

const ALWAYS_OPEN = [/^\/api\/health$/, /^\/_next\/static\//, /^\/favicon\.ico$/];
const TOKEN_OPEN = [/^\/signin$/, /^\/api\/auth\/(signin|signout|session)$/];
const PER_USER_APIS = [/^\/api\/resources(\/|$)/, /^\/api\/access$/, /^\/api\/proxies\//, /^\/api\/auth\//];

function json(res: ServerResponse, code: number, body: Record<string, unknown>, extra: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra }).end(JSON.stringify({ ...body, code }));
}

/** `next` for the sign-in page: a same-origin path only (no `//host`, no scheme). */
export function safeNext(path: string): string {
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(path) ? path : '/';
}

/** Answers the request itself (returns true) or lets it through to Next (false). */
export async function gateRequest(req: IncomingMessage, res: ServerResponse, auth: AuthService): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  const path = url.pathname;
  if (ALWAYS_OPEN.some((r) => r.test(path))) return false;
  const tokenMode = auth.mode === 'token';
  if (tokenMode && TOKEN_OPEN.some((r) => r.test(path))) return false;
  const viewer = auth.viewer(req.headers);
  if (!viewer) {
    if (!tokenMode) {
      json(res, 401, { error: `gatescope expects an authenticating proxy to send ${auth.options.userHeader}`, reason: 'Unauthorized' });
      return true;
    }
    if (path.startsWith('/api/')) {
      json(res, 401, { error: 'sign in first: your session is missing or has expired', reason: 'Unauthorized' });
      return true;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const next = safeNext(path + url.search);
      res.writeHead(303, { location: `/signin${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`, 'cache-control': 'no-store' }).end();
      return true;
    }
    json(res, 401, { error: 'sign in first', reason: 'Unauthorized' });
    return true;
  }
  if (!path.startsWith('/api/') || PER_USER_APIS.some((r) => r.test(path))) return false;
  try {
    const missing = await auth.readAccess.missingFullRead(auth.viewerKey(viewer), auth.kubeConfigFor(viewer));
    if (missing.length === 0) return false;
    json(res, 403, { error: `this view combines every namespace: your Kubernetes user may not list ${missing.join(', ')} cluster-wide`, reason: 'Forbidden' });
  } catch (err) {
    if (!isUnauthenticated(err)) throw err;
    json(res, 401, { error: err.message, reason: 'Unauthorized' }, tokenMode ? { 'set-cookie': auth.signOutCookie() } : {});
  }
  return true;
}
