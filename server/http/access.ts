/**
 * `GET /api/access`: may the console's user do this? A SelfSubjectAccessReview as that user (what
 * `kubectl auth can-i` asks): the kubeconfig's identity without --auth, the signed-in or
 * impersonated user with it, combined with gatescope's own limits: `--read-only`, and
 * writes only to gateways, virtualservices and destinationrules. The forms render read-only with
 * `reason` when `allowed` is false.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { writableKind } from '../../lib/editing/writable';
import { canI } from '../kube/apply';
import { WATCHED_KINDS } from '../kube/cache';
import { HttpError } from '../kube/runtime-access';
import { KubeApiError } from '../kube/transport';
import { getRuntime } from '../runtime';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface AccessResponse {
  allowed: boolean;
  /** Why not (the RBAC answer's reason, or gatescope's own limit). */
  reason?: string;
  /** What said no: the cluster's RBAC, `--read-only`, or a kind gatescope does not write. */
  deniedBy?: 'rbac' | 'read-only' | 'not-writable';
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export async function accessFor(q: URLSearchParams, signal?: AbortSignal, kc?: KubeConfig): Promise<AccessResponse> {
  const verb = q.get('verb') ?? '';
  const plural = q.get('plural') ?? '';
  const namespace = q.get('namespace') || undefined;
  const name = q.get('name') || undefined;
  if (!VERBS.includes(verb)) throw new HttpError(400, `verb must be one of ${VERBS.join(', ')}`);
  const known = writableKind(plural) ?? WATCHED_KINDS.find((k) => k.plural === plural);
  if (!known) throw new HttpError(404, `the console does not serve "${plural}"`);
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new HttpError(400, 'namespace is not a valid namespace name');
  if (name !== undefined && (name.length > 253 || !NAME.test(name))) throw new HttpError(400, 'name is not a valid object name');

  const out: AccessResponse = { allowed: false, verb, group: known.group, resource: plural };
  if (namespace) out.namespace = namespace;
  if (name) out.name = name;
  const runtime = getRuntime();
  if (WRITE_VERBS.has(verb)) {
    if (runtime.readOnly) return { ...out, reason: 'gatescope runs with --read-only', deniedBy: 'read-only' };
    if (!writableKind(plural)) return { ...out, reason: `gatescope does not write ${plural}`, deniedBy: 'not-writable' };
  }
  const a = await canI(kc ?? runtime.kubeConfig, { verb, group: known.group, resource: plural, namespace, name }, signal).catch((err: unknown) => {
    if (err instanceof KubeApiError && err.statusCode === 401) throw new HttpError(401, 'the Kubernetes API server no longer accepts your credentials: sign in again');
    throw err;
  });
  if (a.allowed) return { ...out, allowed: true };
  const reason = a.reason || a.evaluationError || `the Kubernetes user of this console may not ${verb} ${plural}${namespace ? ` in namespace ${namespace}` : ''}`;
  return { ...out, reason, deniedBy: 'rbac' };
}
