/**
 * `gatescope start` flags for identity and exposure: --auth, its session and proxy-header
 * options, --public-url and --read-only (server/http/front-door.ts does the rest).
 */
import { readFileSync } from 'node:fs';
import { parseDuration, type AuthMode, type AuthOptions } from '../auth/options';

export const AUTH_HELP = `
Identity and exposure (see docs/deploy.md):
  --auth MODE           none (default: the kubeconfig's identity, loopback only), token (users sign
                        in with a Kubernetes bearer token) or header (behind an authenticating proxy;
                        the console impersonates the user it names)
  --session-key-file FILE
                        token: secret that seals session cookies (or env GATESCOPE_SESSION_KEY);
                        the same secret on every replica keeps sessions across replicas
  --session-ttl DUR     token: session lifetime, e.g. 8h (default), 30m; capped by the token's expiry
  --auth-user-header H  header: the proxy's user-name header (default X-Forwarded-User)
  --auth-groups-header H
                        header: the proxy's groups header, comma-separated (default X-Forwarded-Groups)
  --public-url URL      an origin users reach the console at (ingress, proxy); repeatable
  --read-only           never write to the cluster (forms read-only, write routes answer 403)
  --sandbox-users FILE  sandbox: extra users by bearer token with RBAC-like rules (YAML; see
                        server/cli/sandbox-users.ts), to try --auth locally
`;

export const AUTH_OPTIONS = {
  auth: { type: 'string' },
  'session-key-file': { type: 'string' },
  'session-ttl': { type: 'string' },
  'auth-user-header': { type: 'string' },
  'auth-groups-header': { type: 'string' },
  'public-url': { type: 'string', multiple: true },
  'read-only': { type: 'boolean', default: false },
  'sandbox-users': { type: 'string' },
} as const;

interface Values {
  auth?: string;
  'session-key-file'?: string;
  'session-ttl'?: string;
  'auth-user-header'?: string;
  'auth-groups-header'?: string;
  'public-url'?: string[];
  'read-only'?: boolean;
}

/** The console options these flags set; throws with a message for the user. */
export function authFlags(v: Values, env: Record<string, string | undefined> = process.env): { auth?: AuthOptions; readOnly: boolean; publicUrls: string[] } {
  const mode = (v.auth ?? 'none') as AuthMode;
  if (!['none', 'token', 'header'].includes(mode)) throw new Error(`--auth must be none, token or header, got "${v.auth}"`);
  const tokenOnly = ['session-key-file', 'session-ttl'] as const;
  const headerOnly = ['auth-user-header', 'auth-groups-header'] as const;
  for (const f of tokenOnly) if (v[f] !== undefined && mode !== 'token') throw new Error(`--${f} needs --auth token`);
  for (const f of headerOnly) if (v[f] !== undefined && mode !== 'header') throw new Error(`--${f} needs --auth header`);
  let auth: AuthOptions | undefined;
  if (mode !== 'none') {
    auth = { mode };
    if (mode === 'token') {
      const key = v['session-key-file'] ? readFileSync(v['session-key-file'], 'utf8').trim() : env['GATESCOPE_SESSION_KEY']?.trim();
      if (key) auth.sessionKey = key;
      if (v['session-ttl'] !== undefined) {
        const ms = parseDuration(v['session-ttl']);
        if (ms === undefined) throw new Error(`--session-ttl: "${v['session-ttl']}" is not a duration (e.g. 8h, 30m)`);
        auth.sessionTtlMs = ms;
      }
    } else {
      if (v['auth-user-header']) auth.userHeader = v['auth-user-header'];
      if (v['auth-groups-header']) auth.groupsHeader = v['auth-groups-header'];
    }
  }
  return { auth, readOnly: !!v['read-only'], publicUrls: v['public-url'] ?? [] };
}
