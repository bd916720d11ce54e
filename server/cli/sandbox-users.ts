/**
 * `--sandbox-users FILE`: extra users of the built-in sandbox, by bearer token, each with
 * RBAC-like rules, to try `--auth token|header` locally:
 *
 *   users:
 *   - token: viewer-token-0123456789
 *     user: viewer
 *     rules:
 *     - { verbs: [get, list, watch], apiGroups: [networking.istio.io], resources: [virtualservices] }
 *
 * A user without `rules` may do everything; `namespaces` on a rule restricts it as a RoleBinding would.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AuthenticatedUser, PolicyRule } from '../sandbox/api/types';

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function parseSandboxUsers(text: string, source = 'sandbox users'): Record<string, AuthenticatedUser> {
  const doc = parse(text) as { users?: unknown } | null;
  if (!doc || !Array.isArray(doc.users)) throw new Error(`${source}: expected a top-level "users:" list`);
  const out: Record<string, AuthenticatedUser> = {};
  doc.users.forEach((u: unknown, i: number) => {
    const e = u as { token?: unknown; user?: unknown; groups?: unknown; rules?: unknown };
    const where = `${source}: users[${i}]`;
    if (typeof e.token !== 'string' || e.token.length < 16 || /\s/.test(e.token)) throw new Error(`${where}: token must be at least 16 characters without spaces`);
    if (typeof e.user !== 'string' || !e.user) throw new Error(`${where}: user is required`);
    if (e.groups !== undefined && !strings(e.groups)) throw new Error(`${where}: groups must be a list of strings`);
    let rules: PolicyRule[] | undefined;
    if (e.rules !== undefined) {
      if (!Array.isArray(e.rules)) throw new Error(`${where}: rules must be a list`);
      rules = e.rules.map((r: unknown, j: number) => {
        const rule = r as Partial<PolicyRule>;
        for (const k of ['verbs', 'apiGroups', 'resources'] as const) if (!strings(rule[k])) throw new Error(`${where}.rules[${j}]: ${k} must be a list of strings`);
        for (const k of ['resourceNames', 'namespaces'] as const) if (rule[k] !== undefined && !strings(rule[k])) throw new Error(`${where}.rules[${j}]: ${k} must be a list of strings`);
        return rule as PolicyRule;
      });
    }
    out[e.token] = { user: e.user, groups: [...new Set([...((e.groups as string[] | undefined) ?? []), 'system:authenticated'])], ...(rules ? { rules } : {}) };
  });
  return out;
}

export function readSandboxUsers(file: string): Record<string, AuthenticatedUser> {
  return parseSandboxUsers(readFileSync(file, 'utf8'), file);
}
