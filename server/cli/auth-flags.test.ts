import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startConsole, StartupError } from '../main';
import { authFlags } from './auth-flags';
import { parseSandboxUsers } from './sandbox-users';

describe('gatescope start: identity flags', () => {
  it('maps --auth, session and proxy options, --public-url and --read-only', () => {
    expect(authFlags({})).toEqual({ auth: undefined, readOnly: false, publicUrls: [] });
    expect(authFlags({ auth: 'token', 'session-ttl': '30m', 'read-only': true }, { GATESCOPE_SESSION_KEY: 'k'.repeat(40) })).toEqual({
      auth: { mode: 'token', sessionKey: 'k'.repeat(40), sessionTtlMs: 1_800_000 },
      readOnly: true,
      publicUrls: [],
    });
    const dir = mkdtempSync(join(tmpdir(), 'gatescope-flags-'));
    try {
      writeFileSync(join(dir, 'key'), `${'f'.repeat(48)}\n`);
      expect(authFlags({ auth: 'token', 'session-key-file': join(dir, 'key') }, {}).auth?.sessionKey).toBe('f'.repeat(48));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(authFlags({ auth: 'header', 'auth-user-header': 'X-Auth-Request-User', 'public-url': ['https://g.example.com'] }).auth).toEqual({ mode: 'header', userHeader: 'X-Auth-Request-User' });
    expect(() => authFlags({ auth: 'magic' })).toThrow(/none, token or header/);
    expect(() => authFlags({ 'session-ttl': '8h' })).toThrow(/needs --auth token/);
    expect(() => authFlags({ auth: 'token', 'auth-user-header': 'X-User' })).toThrow(/needs --auth header/);
    expect(() => authFlags({ auth: 'token', 'session-ttl': 'later' })).toThrow(/not a duration/);
  });

  it('refuses a non-loopback address without an auth mode, naming the way out', async () => {
    await expect(startConsole({ port: 0, host: '0.0.0.0', mode: 'cluster', log: () => {} })).rejects.toThrow(StartupError);
    await expect(startConsole({ port: 0, host: '0.0.0.0', mode: 'cluster', log: () => {} })).rejects.toThrow(/--auth token or --auth header/);
  });

  it('reads --sandbox-users', () => {
    const users = parseSandboxUsers('users:\n- token: viewer-token-0123456789\n  user: viewer\n  rules:\n  - { verbs: [get], apiGroups: [""], resources: [pods], namespaces: [default] }\n');
    expect(users['viewer-token-0123456789']).toEqual({ user: 'viewer', groups: ['system:authenticated'], rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], namespaces: ['default'] }] });
    expect(() => parseSandboxUsers('users:\n- token: short\n  user: x\n')).toThrow(/at least 16/);
    expect(() => parseSandboxUsers('nope: 1')).toThrow(/users/);
  });
});
