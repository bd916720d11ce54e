/**
 * What a signed-in user may read from the console's shared cache.
 *
 * The cache watches the cluster once, with the console's own identity (its service account
 * in-cluster). A user's reads are served from it only as far as the user's own RBAC would allow
 * listing them, asked of the API server *as the user*:
 * 1. one SelfSubjectAccessReview per watched kind, `list` at cluster scope (or in the kind's one
 *    namespace, e.g. istio-system ConfigMaps); allowed → every object of that kind;
 * 2. for namespaced kinds denied at cluster scope, one SelfSubjectRulesReview per namespace the
 *    cache knows (bounded), evaluated locally (lib/kube/rbac-rules) → the namespaces whose objects
 *    the user sees. An `incomplete` rules answer can only under-state access, so this errs on the
 *    side of showing less.
 * Answers are cached per user for `ttlMs` (30 s): a revoked permission stops showing within that.
 * A 401 from the API server means the token is no longer valid: `Unauthenticated` is thrown and
 * the caller ends the session.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { rulesAllow, type ResourceRule } from '../../lib/kube/rbac-rules';
import { canI } from '../kube/apply';
import type { WatchedKind } from '../kube/cache';
import { KubeApiError, kubeJson } from '../kube/transport';

export interface ReadGrant {
  /** Every object of the kind. */
  all: boolean;
  /** Otherwise, objects in these namespaces only. */
  namespaces: ReadonlySet<string>;
}

/**
 * The API server no longer accepts the user's credentials. Checked by name (`isUnauthenticated`),
 * not instanceof: the custom server and Next's bundled route handlers load this module twice.
 */
export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
}

export function isUnauthenticated(err: unknown): err is Unauthenticated {
  return err instanceof Error && err.name === 'Unauthenticated';
}

const MAX_NAMESPACES = 256;
const CONCURRENCY = 8;
const NONE: ReadGrant = { all: false, namespaces: new Set() };

export interface ReadAccessOptions {
  kinds: readonly WatchedKind[];
  /** Namespaces to ask about when a kind is not readable cluster-wide (the cache's namespaces). */
  namespaces: () => string[];
  ttlMs?: number;
  now?: () => number;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function rethrow(err: unknown): never {
  if (err instanceof KubeApiError && err.statusCode === 401) throw new Unauthenticated('the API server no longer accepts this token: sign in again');
  throw err;
}

export class ReadAccess {
  private readonly entries = new Map<string, { at: number; grants: Promise<Map<string, ReadGrant>> }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ReadAccessOptions) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Read grants per plural for the user behind `key` (a stable, non-secret id) acting through `kc`. */
  grants(key: string, kc: KubeConfig): Promise<Map<string, ReadGrant>> {
    const t = this.now();
    for (const [k, e] of this.entries) if (t - e.at > this.ttlMs) this.entries.delete(k);
    const hit = this.entries.get(key);
    if (hit) return hit.grants;
    const grants = this.compute(kc);
    this.entries.set(key, { at: t, grants });
    grants.catch(() => this.entries.delete(key));
    return grants;
  }

  async grant(key: string, kc: KubeConfig, plural: string): Promise<ReadGrant> {
    return (await this.grants(key, kc)).get(plural) ?? NONE;
  }

  /** The kinds the user may not list everywhere: empty when every watched kind is fully readable. */
  async missingFullRead(key: string, kc: KubeConfig): Promise<string[]> {
    const g = await this.grants(key, kc);
    return this.opts.kinds.filter((k) => !g.get(k.plural)?.all).map((k) => k.plural);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private async compute(kc: KubeConfig): Promise<Map<string, ReadGrant>> {
    const out = new Map<string, ReadGrant>();
    const cluster = await Promise.all(
      this.opts.kinds.map((k) => canI(kc, { verb: 'list', group: k.group, resource: k.plural, namespace: k.namespace }).catch(rethrow)),
    );
    const partial: WatchedKind[] = [];
    this.opts.kinds.forEach((k, i) => {
      if (cluster[i]!.allowed) out.set(k.plural, { all: true, namespaces: new Set() });
      else if (k.namespace) out.set(k.plural, NONE);
      else partial.push(k);
    });
    const clusterScoped = new Set(['namespaces', 'nodes']);
    const namespaced = partial.filter((k) => !clusterScoped.has(k.plural));
    for (const k of partial) if (clusterScoped.has(k.plural)) out.set(k.plural, NONE);
    if (namespaced.length === 0) return out;
    const namespaces = [...new Set(this.opts.namespaces())].sort().slice(0, MAX_NAMESPACES);
    const rulesByNs = await mapLimit(namespaces, CONCURRENCY, async (ns) => {
      const res = await kubeJson<{ status?: { resourceRules?: ResourceRule[] } }>(kc, {
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: ns } },
      }).catch(rethrow);
      return res.body.status?.resourceRules ?? [];
    });
    for (const k of namespaced) {
      const allowed = new Set<string>();
      namespaces.forEach((ns, i) => {
        if (rulesAllow(rulesByNs[i]!, { verb: 'list', group: k.group, resource: k.plural })) allowed.add(ns);
      });
      out.set(k.plural, { all: false, namespaces: allowed });
    }
    return out;
  }
}

/** Objects of one kind a grant lets the user see. */
export function visible<T extends { metadata?: { namespace?: string } }>(grant: ReadGrant, objects: T[]): T[] {
  if (grant.all) return objects;
  if (grant.namespaces.size === 0) return [];
  return objects.filter((o) => o.metadata?.namespace !== undefined && grant.namespaces.has(o.metadata.namespace));
}
