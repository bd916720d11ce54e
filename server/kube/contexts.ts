/**
 * The kubeconfig's contexts, for the context picker (local mode): their names and clusters (never
 * credentials), a KubeConfig per context, and one watch cache per context, started when first
 * used and bounded in number (the least recently used is stopped beyond `max`).
 *
 * This is the multi-cluster seam: `resources/<kind>` and `cluster` (stream topics), the resource
 * REST routes, writes and access reviews follow the selected context; the services built on the
 * primary cache (topology, analysis, sync, logs, traffic…) still serve the context the console
 * was started with, and refuse to answer for another rather than show the wrong cluster.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterCache } from './cache';

export interface ContextInfo {
  name: string;
  cluster: string;
  server: string;
  namespace?: string;
  user: string;
}

export function listContexts(kc: KubeConfig): ContextInfo[] {
  return kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server ?? '',
    ...(c.namespace ? { namespace: c.namespace } : {}),
    user: c.user,
  }));
}

/** A copy of `base` whose current context is `name`; throws when the kubeconfig has no such context. */
export function kubeConfigForContext(base: KubeConfig, name: string): KubeConfig {
  if (!base.getContextObject(name)) throw new Error(`context "${name}" is not in the kubeconfig`);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: name });
  return kc;
}

export class ContextCaches {
  private readonly caches = new Map<string, { cache: ClusterCache; kc: KubeConfig; usedAt: number }>();

  constructor(
    private readonly base: KubeConfig,
    private readonly opts: { max?: number; now?: () => number; create?: (kc: KubeConfig) => ClusterCache } = {},
  ) {}

  has(name: string): boolean {
    return !!this.base.getContextObject(name);
  }

  kubeConfig(name: string): KubeConfig {
    return this.entry(name).kc;
  }

  /** The context's cache, started on first use. */
  cache(name: string): ClusterCache {
    return this.entry(name).cache;
  }

  get size(): number {
    return this.caches.size;
  }

  stop(): void {
    for (const e of this.caches.values()) e.cache.stop();
    this.caches.clear();
  }

  private entry(name: string) {
    const now = (this.opts.now ?? Date.now)();
    let e = this.caches.get(name);
    if (!e) {
      const kc = kubeConfigForContext(this.base, name);
      const cache = (this.opts.create ?? ((k) => new ClusterCache(k)))(kc);
      cache.start();
      e = { cache, kc, usedAt: now };
      this.caches.set(name, e);
      const max = this.opts.max ?? 4;
      while (this.caches.size > max) {
        const [oldest] = [...this.caches.entries()].filter(([n]) => n !== name).sort((a, b) => a[1].usedAt - b[1].usedAt);
        if (!oldest) break;
        oldest[1].cache.stop();
        this.caches.delete(oldest[0]);
      }
    }
    e.usedAt = now;
    return e;
  }
}
