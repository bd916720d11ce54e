/**
 * How the console authenticates its users (`gatescope start --auth …`).
 *
 * - `none` (the default): the console acts with the kubeconfig's identity and listens on loopback
 *   only; there is one user, the person at the keyboard.
 * - `token`: a sign-in page takes a Kubernetes bearer token; the browser keeps it only inside an
 *   encrypted HttpOnly SameSite=Strict cookie, and every call the console makes for that user
 *   carries it, so the cluster's RBAC decides.
 * - `header`: behind an authenticating proxy (oauth2-proxy, an ingress with external auth) that
 *   sets the user name (and groups) in request headers; the console impersonates that user
 *   (`Impersonate-User`/`Impersonate-Group`) on every call it makes for them.
 */

export type AuthMode = 'none' | 'token' | 'header';

export interface AuthOptions {
  mode: AuthMode;
  /** Secret the session cookie is sealed with (token mode); at least 32 bytes. Random when absent. */
  sessionKey?: string;
  /** How long a session lasts after sign-in (ms), capped by the token's own `exp`. Default 8 h. */
  sessionTtlMs?: number;
  /** Header the proxy puts the user name in (header mode). Default `X-Forwarded-User`. */
  userHeader?: string;
  /** Header the proxy puts the groups in, comma-separated or repeated (header mode). Default `X-Forwarded-Groups`. */
  groupsHeader?: string;
  /** Mark the session cookie `Secure` (and name it `__Host-…`): on when the public URL is https. */
  secureCookie?: boolean;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_USER_HEADER = 'x-forwarded-user';
export const DEFAULT_GROUPS_HEADER = 'x-forwarded-groups';
export const AUTH_MODES: readonly AuthMode[] = ['none', 'token', 'header'];

/** `8h`, `30m`, `90s`, `1d` or a number of seconds → ms; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
/** Headers a proxy must never be trusted to set: they would let a client pick the console's identity. */
const FORBIDDEN_HEADERS = new Set(['authorization', 'cookie', 'host', 'origin', 'impersonate-user', 'impersonate-group', 'impersonate-uid']);

/** Checks and completes the options; throws an Error with a message for the CLI. */
export function normalizeAuthOptions(o: AuthOptions): AuthOptions {
  if (!AUTH_MODES.includes(o.mode)) throw new Error(`--auth must be one of ${AUTH_MODES.join(', ')}, got "${o.mode}"`);
  const out: AuthOptions = { ...o, sessionTtlMs: o.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS };
  if (out.sessionTtlMs! < 60_000 || out.sessionTtlMs! > 7 * 86_400_000) throw new Error('--session-ttl must be between 1m and 7d');
  if (o.sessionKey !== undefined && Buffer.byteLength(o.sessionKey) < 32) throw new Error('the session key must be at least 32 bytes (e.g. `openssl rand -base64 48`)');
  for (const [flag, value, dflt] of [
    ['--auth-user-header', o.userHeader, DEFAULT_USER_HEADER],
    ['--auth-groups-header', o.groupsHeader, DEFAULT_GROUPS_HEADER],
  ] as const) {
    const name = (value ?? dflt).toLowerCase();
    if (!HEADER_NAME.test(name) || FORBIDDEN_HEADERS.has(name) || name.startsWith('impersonate-')) throw new Error(`${flag}: "${value}" cannot carry a user's identity`);
    if (flag === '--auth-user-header') out.userHeader = name;
    else out.groupsHeader = name;
  }
  if (out.userHeader === out.groupsHeader) throw new Error('--auth-user-header and --auth-groups-header must differ');
  return out;
}
