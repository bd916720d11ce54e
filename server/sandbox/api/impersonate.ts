/**
 * User impersonation, as kube-apiserver does it: a request authenticated as A carrying
 * `Impersonate-User: B` (and `Impersonate-Group: G`…) is authorized as B, provided A may
 * `impersonate` `users` named B (and `groups` named G) in the core API group. The audit log and
 * `Forbidden` messages then name B. The headers are removed before the request goes further.
 *
 * The sandbox has no RoleBindings: an impersonated user gets the rules of the configured user of
 * that name (SandboxOptions.users), none otherwise; `system:masters` among the impersonated groups
 * makes it an admin. A refused impersonation answers 401 here (kube-apiserver answers 403).
 */
import type { IncomingMessage } from 'node:http';
import { isAllowed } from './authz';
import type { Authenticate, AuthenticatedUser } from './types';

function values(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  return (Array.isArray(h) ? h : [h]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function impersonating(authenticate: Authenticate, known: Iterable<AuthenticatedUser>): Authenticate {
  const byName = new Map<string, AuthenticatedUser>();
  for (const u of known) byName.set(u.user, u);
  return async (req: IncomingMessage) => {
    const actor = await authenticate(req);
    const asUser = req.headers['impersonate-user'];
    const asGroups = values(req.headers['impersonate-group']);
    for (const k of Object.keys(req.headers)) if (k.startsWith('impersonate-')) delete req.headers[k];
    if (!actor || asUser === undefined) return actor;
    const name = Array.isArray(asUser) ? asUser[0] : asUser;
    if (!name) return null;
    if (!isAllowed(actor, { verb: 'impersonate', group: '', resource: 'users', name })) return null;
    for (const g of asGroups) if (!isAllowed(actor, { verb: 'impersonate', group: '', resource: 'groups', name: g })) return null;
    const base = byName.get(name);
    const groups = [...new Set([...asGroups, 'system:authenticated'])];
    if (groups.includes('system:masters')) return { user: name, groups };
    return { user: name, groups, rules: base?.rules ?? [] };
  };
}
