import { describe, expect, it } from 'vitest';
import { normalizeAuthOptions, parseDuration } from './options';
import { clearedCookie, jwtExpiry, readCookie, SessionSealer, sessionCookie } from './session';

const session = { token: 'secret-token-value', user: 'alice', iat: 1_000, exp: 10_000 };

describe('session cookie sealing', () => {
  it('round-trips, hides the token and refuses tampering, other keys and expiry', () => {
    const a = new SessionSealer('k'.repeat(40));
    const sealed = a.seal(session);
    expect(sealed).not.toContain('secret-token-value');
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('secret-token-value');
    expect(a.open(sealed, 5_000)).toEqual(session);
    expect(a.open(sealed, 10_000)).toBeUndefined(); // expired
    // Change the second-to-last character (the last may hold only padding bits) to a different one.
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.slice(-1);
    expect(flipped).not.toBe(sealed);
    expect(a.open(flipped, 5_000)).toBeUndefined();
    expect(new SessionSealer('x'.repeat(40)).open(sealed, 5_000)).toBeUndefined();
    expect(a.open('v1.', 5_000)).toBeUndefined();
    expect(a.open(undefined, 5_000)).toBeUndefined();
  });

  it('opens on another replica holding the same secret (stateless sessions)', () => {
    const sealed = new SessionSealer('same-secret-from-a-kubernetes-secret-0123').seal(session);
    expect(new SessionSealer('same-secret-from-a-kubernetes-secret-0123').open(sealed, 5_000)?.user).toBe('alice');
  });

  it('writes HttpOnly SameSite=Strict cookies, Secure with the __Host- name over https', () => {
    const c = sessionCookie('gatescope-session', 'v', { secure: false, maxAgeSeconds: 60 });
    expect(c).toBe('gatescope-session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('__Host-gatescope-session', 'v', { secure: true, maxAgeSeconds: 1 })).toMatch(/; Secure$/);
    expect(clearedCookie('gatescope-session', false)).toMatch(/Max-Age=0/);
    expect(readCookie('a=1; gatescope-session=abc; b=2', 'gatescope-session')).toBe('abc');
    expect(readCookie('xgatescope-session=abc', 'gatescope-session')).toBeUndefined();
  });

  it('reads a JWT exp without trusting anything else', () => {
    const jwt = ['e30', Buffer.from(JSON.stringify({ exp: 1234 })).toString('base64url'), 'sig'].join('.');
    expect(jwtExpiry(jwt)).toBe(1_234_000);
    expect(jwtExpiry('opaque')).toBeUndefined();
  });
});

describe('auth options', () => {
  it('parses durations and refuses identity-carrying proxy headers and short keys', () => {
    expect(parseDuration('8h')).toBe(28_800_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(normalizeAuthOptions({ mode: 'header' })).toMatchObject({ userHeader: 'x-forwarded-user', groupsHeader: 'x-forwarded-groups' });
    expect(() => normalizeAuthOptions({ mode: 'header', userHeader: 'Authorization' })).toThrow(/cannot carry/);
    expect(() => normalizeAuthOptions({ mode: 'header', userHeader: 'Impersonate-User' })).toThrow(/cannot carry/);
    expect(() => normalizeAuthOptions({ mode: 'token', sessionKey: 'short' })).toThrow(/32 bytes/);
    expect(() => normalizeAuthOptions({ mode: 'token', sessionTtlMs: 1000 })).toThrow(/session-ttl/);
  });
});
