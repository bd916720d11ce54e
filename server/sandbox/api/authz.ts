/**
 * Authorization: RBAC-like rules carried by the authenticated user, the 403 message kube-apiserver
 * prints, SelfSubjectAccessReview, and a bearer-token authenticator.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError, status } from './status';
import type { Authenticate, AuthenticatedUser, PolicyRule } from './types';

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!has(rule.apiGroups, a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resOk =
    rule.resources.includes('*') ||
    rule.resources.includes(combined) ||
    (a.subresource !== undefined && rule.resources.includes(`*/${a.subresource}`));
  if (!resOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    if (!a.name || !rule.resourceNames.includes(a.name)) return false;
  }
  if (rule.namespaces && rule.namespaces.length > 0) {
    if (!a.namespace || !has(rule.namespaces, a.namespace)) return false;
  }
  return true;
}

export function isAllowed(user: AuthenticatedUser, a: Attributes): boolean {
  if (!user.rules || user.groups.includes('system:masters')) return true;
  // Every authenticated user may ask what it may do (system:basic-user).
  if (a.group === 'authorization.k8s.io' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews') && a.verb === 'create') return true;
  // …and who it is (`kubectl auth whoami`, system:basic-user).
  if (a.group === 'authentication.k8s.io' && a.resource === 'selfsubjectreviews' && a.verb === 'create') return true;
  return user.rules.some((r) => ruleAllows(r, a));
}

/** `virtualservices.networking.istio.io "x" is forbidden: User "u" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"` */
export function forbidden(user: AuthenticatedUser, a: Attributes): ApiError {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const who = a.name ? `${qualified} "${a.name}"` : qualified;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const message = `${who} is forbidden: User "${user.user}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}`;
  const details: Record<string, string> = {};
  if (a.name) details['name'] = a.name;
  if (a.group) details['group'] = a.group;
  details['kind'] = a.resource;
  return new ApiError(status(403, 'Forbidden', message, details));
}

interface SsarSpec {
  resourceAttributes?: { namespace?: string; verb?: string; group?: string; resource?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** Fills `status` of a SelfSubjectAccessReview for `user`. */
export function reviewAccess(user: AuthenticatedUser, body: Record<string, unknown>): Record<string, unknown> {
  const spec = (body['spec'] ?? {}) as SsarSpec;
  let allowed: boolean;
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    allowed = isAllowed(user, {
      verb: r.verb ?? '',
      group: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource || undefined,
      namespace: r.namespace || undefined,
      name: r.name || undefined,
    });
  } else {
    // Non-resource URLs (discovery, /version, /healthz) are open to every authenticated user for GET.
    allowed = !user.rules || user.groups.includes('system:masters') || (spec.nonResourceAttributes?.verb ?? 'get') === 'get';
  }
  const meta = (body['metadata'] ?? {}) as Record<string, unknown>;
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { ...meta, creationTimestamp: null },
    spec,
    status: allowed ? { allowed: true, reason: user.rules ? 'allowed by sandbox rules' : 'sandbox admin' } : { allowed: false },
  };
}

/** Fills `status` of a SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): who the request is from. */
export function reviewSelf(user: AuthenticatedUser, body: Record<string, unknown>): Record<string, unknown> {
  const meta = (body['metadata'] ?? {}) as Record<string, unknown>;
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta, creationTimestamp: null },
    status: { userInfo: { username: user.user, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups } },
  };
}

/** Fills `status` of a SelfSubjectRulesReview: the user's rules that apply in `spec.namespace`. */
export function reviewRules(user: AuthenticatedUser, body: Record<string, unknown>): Record<string, unknown> {
  const spec = (body['spec'] ?? {}) as { namespace?: string };
  const ns = spec.namespace ?? '';
  const all = !user.rules || user.groups.includes('system:masters');
  const resourceRules = all
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]
    : [
        { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
        ...user.rules!.filter((r) => !r.namespaces?.length || r.namespaces.includes(ns) || r.namespaces.includes('*')).map((r) => ({
          verbs: r.verbs,
          apiGroups: r.apiGroups,
          resources: r.resources,
          ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
        })),
      ];
  const nonResourceRules = all
    ? [{ verbs: ['*'], nonResourceURLs: ['*'] }]
    : [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }];
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { resourceRules, nonResourceRules, incomplete: false },
  };
}

/**
 * An `Authenticate` that maps bearer tokens to users (constant-time comparison).
 * Example: `bearerTokens({ [token]: { user: 'sandbox-admin', groups: ['system:masters', 'system:authenticated'] } })`.
 */
export function bearerTokens(tokens: Record<string, AuthenticatedUser>): Authenticate {
  const entries = Object.entries(tokens).map(([t, u]) => [Buffer.from(t), u] as const);
  return (req: IncomingMessage) => {
    const h = req.headers.authorization;
    if (!h || !/^bearer\s+/i.test(h)) return null;
    const given = Buffer.from(h.replace(/^bearer\s+/i, '').trim());
    for (const [t, u] of entries) {
      if (t.length === given.length && timingSafeEqual(t, given)) return u;
    }
    return null;
  };
}
