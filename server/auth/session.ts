/**
 * The session cookie of `--auth token`: the user's bearer token, who they are and when the session
 * ends, sealed with AES-256-GCM under a key derived from the session secret.
 *
 * Stateless on purpose: any replica holding the same secret (a Kubernetes Secret mounted as
 * `GATESCOPE_SESSION_KEY`) opens any session, so sessions survive a rolling update or a request
 * landing on another replica. The cookie is HttpOnly (page scripts never see the token),
 * SameSite=Strict (never sent on cross-site requests) and Path=/. Sealing keeps the token
 * unreadable and unforgeable by anyone without the secret; it is not a revocation list: signing
 * out deletes the cookie, and revoking the token is the cluster's business (the console re-checks
 * the token with the API server on every call it makes).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface Session {
  /** The user's bearer token. */
  token: string;
  /** User name as the API server reported it (SelfSubjectReview), or a label when it could not tell. */
  user: string;
  groups?: string[];
  /** Issued and expires, ms since the epoch. */
  iat: number;
  exp: number;
}

/** Cookies are limited to ~4 KiB by browsers; sealing and base64 grow a token by about 4/3. */
export const MAX_TOKEN_BYTES = 2600;
const VERSION = 'v1';

export class SessionSealer {
  private readonly key: Buffer;
  /** A short, non-secret id of the key, for logs ("sessions sealed with key 3fa2…"). */
  readonly keyId: string;

  constructor(secret: string | Buffer) {
    const ikm = typeof secret === 'string' ? Buffer.from(secret) : secret;
    this.key = Buffer.from(hkdfSync('sha256', ikm, Buffer.from('gatescope-session-salt'), Buffer.from('gatescope session cookie v1'), 32));
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }

  static random(): SessionSealer {
    return new SessionSealer(randomBytes(48));
  }

  seal(s: Session): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(VERSION));
    const body = Buffer.concat([cipher.update(JSON.stringify(s), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The session, or undefined when the value was not sealed by this key, is malformed or has expired. */
  open(value: string | undefined, now: number): Session | undefined {
    if (!value || value.length > 8192 || !value.startsWith(`${VERSION}.`)) return undefined;
    const raw = Buffer.from(value.slice(VERSION.length + 1), 'base64url');
    if (raw.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(VERSION));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const s = JSON.parse(text) as Session;
      if (typeof s.token !== 'string' || typeof s.user !== 'string' || typeof s.exp !== 'number' || typeof s.iat !== 'number') return undefined;
      if (s.exp <= now) return undefined;
      return s;
    } catch {
      return undefined;
    }
  }
}

/** The `exp` claim of a JWT (seconds) as ms, without verifying anything; undefined for opaque tokens. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function cookieName(secure: boolean): string {
  return secure ? '__Host-gatescope-session' : 'gatescope-session';
}

export function sessionCookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedCookie(name: string, secure: boolean): string {
  return sessionCookie(name, '', { secure, maxAgeSeconds: 0 });
}

/** The value of cookie `name` in a Cookie header (the first one), or undefined. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i === -1) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
