/**
 * The console's authentication service (runtime.services.auth): who is asking (a `Viewer`), the
 * KubeConfig every call made for them uses, sign-in and sign-out for `--auth token`, and the read
 * gate over the shared cache (./read-access.ts).
 *
 * Without `--auth` there is no service and every request is the local user acting with the
 * kubeconfig's identity, as before.
 */
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { canI } from '../kube/apply';
import type { WatchedKind } from '../kube/cache';
import { KubeApiError, kubeJson } from '../kube/transport';
import { ImpersonatingKubeConfig, tokenKubeConfig } from './impersonation';
import { normalizeAuthOptions, type AuthOptions } from './options';
import { ReadAccess } from './read-access';
import { clearedCookie, cookieName, jwtExpiry, MAX_TOKEN_BYTES, readCookie, SessionSealer, sessionCookie, type Session } from './session';

export type Viewer =
  /** No --auth: the person at the keyboard, acting with the kubeconfig's identity. */
  | { kind: 'local' }
  /** --auth token: the signed-in user's own bearer token. */
  | { kind: 'token'; user: string; groups?: string[]; token: string; exp: number }
  /** --auth header: the user the authenticating proxy named, impersonated. */
  | { kind: 'proxy'; user: string; groups: string[] };

/** Request headers from either a Fetch `Request` or a Node `IncomingMessage`. */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderBag, name: string): string | undefined {
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

const USER_NAME = /^[\x21-\x7e][\x20-\x7e]{0,252}$/;
const TOKEN = /^[\x21-\x7e]+$/;

/** Checked by name (`isSignInError`): route handlers load this module apart from the custom server. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isSignInError(err: unknown): err is SignInError {
  return err instanceof Error && err.name === 'SignInError' && typeof (err as SignInError).status === 'number';
}

export interface AuthServiceOptions {
  auth: AuthOptions;
  /** The console's own kubeconfig: the cluster to call, and in header mode the identity that impersonates. */
  kubeConfig: KubeConfig;
  kinds: readonly WatchedKind[];
  namespaces: () => string[];
  now?: () => number;
  readTtlMs?: number;
}

export class AuthService {
  readonly options: AuthOptions;
  readonly sealer: SessionSealer;
  readonly readAccess: ReadAccess;
  readonly cookie: string;
  private readonly now: () => number;

  constructor(private readonly o: AuthServiceOptions) {
    this.options = normalizeAuthOptions(o.auth);
    this.sealer = this.options.sessionKey ? new SessionSealer(this.options.sessionKey) : SessionSealer.random();
    this.now = o.now ?? Date.now;
    this.cookie = cookieName(!!this.options.secureCookie);
    this.readAccess = new ReadAccess({ kinds: o.kinds, namespaces: o.namespaces, ttlMs: o.readTtlMs, now: this.now });
  }

  get mode(): AuthOptions['mode'] {
    return this.options.mode;
  }

  /** Who sent these headers, or undefined when nobody is signed in (token) / the proxy named nobody (header). */
  viewer(headers: HeaderBag): Viewer | undefined {
    if (this.options.mode === 'none') return { kind: 'local' };
    if (this.options.mode === 'header') {
      const user = header(headers, this.options.userHeader!)?.trim();
      if (!user || !USER_NAME.test(user) || user.startsWith('system:')) return undefined;
      const groups = (header(headers, this.options.groupsHeader!) ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g && USER_NAME.test(g) && g !== 'system:masters')
        .slice(0, 64);
      return { kind: 'proxy', user, groups };
    }
    const s = this.sealer.open(readCookie(header(headers, 'cookie'), this.cookie), this.now());
    return s ? { kind: 'token', user: s.user, groups: s.groups, token: s.token, exp: s.exp } : undefined;
  }

  /** A stable key naming the viewer in caches and logs; never contains the token. */
  viewerKey(v: Viewer): string {
    if (v.kind === 'local') return 'local';
    if (v.kind === 'proxy') return `proxy:${v.user}:${v.groups.join(',')}`;
    return `token:${createHash('sha256').update(v.token).digest('hex').slice(0, 16)}`;
  }

  /** The KubeConfig every call made for `v` uses: never the console's own identity for a signed-in user. */
  kubeConfigFor(v: Viewer): KubeConfig {
    if (v.kind === 'local') return this.o.kubeConfig;
    if (v.kind === 'proxy') return new ImpersonatingKubeConfig(this.o.kubeConfig, { user: v.user, groups: v.groups });
    return tokenKubeConfig(this.o.kubeConfig, v.token);
  }

  /**
   * Checks `token` with the API server and returns the Set-Cookie value of a new session.
   * 400 for a malformed token, 401 when the API server does not accept it.
   */
  async signIn(rawToken: string, signal?: AbortSignal): Promise<{ setCookie: string; session: Session }> {
    if (this.options.mode !== 'token') throw new SignInError(404, 'sign-in with a token is off: start gatescope with --auth token');
    const token = rawToken.trim().replace(/^bearer\s+/i, '');
    if (!token) throw new SignInError(400, 'paste a bearer token');
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw new SignInError(400, `the token is longer than ${MAX_TOKEN_BYTES} bytes`);
    if (!TOKEN.test(token)) throw new SignInError(400, 'a bearer token is one line of printable characters');
    const kc = tokenKubeConfig(this.o.kubeConfig, token);
    const who = await this.whoAmI(kc, token, signal);
    const now = this.now();
    const exp = Math.min(now + this.options.sessionTtlMs!, jwtExpiry(token) ?? Infinity);
    if (exp <= now + 1000) throw new SignInError(401, 'this token has expired');
    const session: Session = { token, user: who.user, ...(who.groups?.length ? { groups: who.groups } : {}), iat: now, exp };
    const value = this.sealer.seal(session);
    return { setCookie: sessionCookie(this.cookie, value, { secure: !!this.options.secureCookie, maxAgeSeconds: (exp - now) / 1000 }), session };
  }

  signOutCookie(): string {
    return clearedCookie(this.cookie, !!this.options.secureCookie);
  }

  /**
   * The user the API server sees: SelfSubjectReview (authentication.k8s.io/v1, Kubernetes 1.28+),
   * else a SelfSubjectAccessReview proving the token authenticates, labelled by a hash of the token.
   */
  private async whoAmI(kc: KubeConfig, token: string, signal?: AbortSignal): Promise<{ user: string; groups?: string[] }> {
    try {
      const r = await kubeJson<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(kc, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        signal,
        timeoutMs: 10_000,
      });
      const info = r.body.status?.userInfo;
      if (info?.username) return { user: info.username, groups: info.groups };
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 401) throw new SignInError(401, 'the Kubernetes API server did not accept this token');
      if (!(err instanceof KubeApiError) || ![403, 404, 405].includes(err.statusCode)) throw unreachable(err);
    }
    try {
      await canI(kc, { verb: 'get', group: '', resource: 'namespaces' }, signal);
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 401) throw new SignInError(401, 'the Kubernetes API server did not accept this token');
      throw unreachable(err);
    }
    return { user: `token ${createHash('sha256').update(token).digest('hex').slice(0, 8)}` };
  }
}

function unreachable(err: unknown): SignInError {
  return new SignInError(502, `could not check the token with the Kubernetes API server: ${(err as Error).message}`);
}
