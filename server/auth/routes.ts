/**
 * What the `/api/auth/*` route handlers do: sign in with a token (token mode), sign out, and
 * describe the session to the page. The token arrives in a POST body, never in a URL, and is never
 * logged; the answer carries it back only inside the sealed HttpOnly cookie.
 */
import { rejectCrossSite } from '../http/csrf';
import { getRuntime } from '../runtime';
import { isSignInError, type AuthService } from './service';

const MAX_BODY = 8 * 1024;

export interface SessionInfo {
  mode: 'none' | 'token' | 'header';
  signedIn: boolean;
  user?: string;
  groups?: string[];
  /** ms since the epoch (token mode). */
  expiresAt?: number;
  readOnly: boolean;
}

function authService(): AuthService | undefined {
  return getRuntime().services.auth as AuthService | undefined;
}

function fail(code: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, reason: { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType' }[code] ?? 'Error', code }, { status: code, headers: { 'cache-control': 'no-store', ...headers } });
}

export async function signInRoute(req: Request): Promise<Response> {
  const refused = rejectCrossSite(req);
  if (refused) return refused;
  const auth = authService();
  if (!auth || auth.mode !== 'token') return fail(404, 'sign-in with a token is off: start gatescope with --auth token');
  if ((req.headers.get('content-type') ?? '').split(';')[0]!.trim() !== 'application/json') return fail(415, 'the body must be application/json');
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY) return fail(413, 'the body is too large');
  const text = await req.text();
  if (text.length > MAX_BODY) return fail(413, 'the body is too large');
  let token: unknown;
  try {
    token = (JSON.parse(text) as { token?: unknown }).token;
  } catch {
    return fail(400, 'the body is not JSON');
  }
  if (typeof token !== 'string') return fail(400, 'token must be a string');
  try {
    const { setCookie, session } = await auth.signIn(token, req.signal);
    return Response.json({ user: session.user, groups: session.groups ?? [], expiresAt: session.exp }, { status: 200, headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' } });
  } catch (err) {
    if (isSignInError(err)) return fail(err.status, err.message);
    throw err;
  }
}

export function signOutRoute(req: Request): Response {
  const refused = rejectCrossSite(req);
  if (refused) return refused;
  const auth = authService();
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (auth && auth.mode === 'token') headers['set-cookie'] = auth.signOutCookie();
  return Response.json({ signedIn: false }, { status: 200, headers });
}

export function sessionRoute(req: Request): Response {
  const rt = getRuntime();
  const auth = authService();
  const readOnly = !!rt.readOnly;
  let info: SessionInfo;
  if (!auth || auth.mode === 'none') info = { mode: 'none', signedIn: true, readOnly };
  else {
    const v = auth.viewer(req.headers);
    if (!v || v.kind === 'local') info = { mode: auth.mode, signedIn: false, readOnly };
    else if (v.kind === 'token') info = { mode: 'token', signedIn: true, user: v.user, groups: v.groups ?? [], expiresAt: v.exp, readOnly };
    else info = { mode: 'header', signedIn: true, user: v.user, groups: v.groups, readOnly };
  }
  return Response.json(info, { headers: { 'cache-control': 'no-store' } });
}
