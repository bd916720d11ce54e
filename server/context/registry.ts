/**
 * The context picker's other contexts (local mode): one service bundle per kubeconfig context
 * (server/context/bundle.ts), started on first use — a request or stream subscription of a browser
 * that picked it — with its topics on a hub of its own, so a context's data reaches only the
 * sessions that picked that context.
 *
 * Memory stays bounded: a bundle nobody used for `idleMs` (no request, no open subscription) is
 * stopped, and beyond `max` bundles the least recently used idle one is. The next use starts it
 * again (its history then starts over: it records what changes while it runs).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigForContext } from '../kube/contexts';
import type { ClusterCache } from '../kube/cache';
import { Hub, type TopicProvider } from '../stream/hub';
import { createContextServices, type ContextServices } from './bundle';

export interface ContextRegistryOptions {
  mode: 'sandbox' | 'cluster';
  /** Builds a context's bundle (default createContextServices). */
  create?: (kubeConfig: KubeConfig, context: string) => ContextServices;
  /** A bundle unused this long is stopped (default 10 minutes). */
  idleMs?: number;
  /** Bundles running at once besides the primary's (default 4); in-use ones are never stopped for this. */
  max?: number;
  now?: () => number;
  log?: (s: string) => void;
}

interface Entry {
  services: ContextServices;
  topics: Hub;
  usedAt: number;
  /** Open stream subscriptions: while there are any, the bundle is in use. */
  subscribers: number;
}

export class ContextRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly idleMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly base: KubeConfig,
    /** The console's own context: never served from here (its services are the runtime's). */
    readonly primary: string,
    private readonly opts: ContextRegistryOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.idleMs = opts.idleMs ?? 10 * 60_000;
  }

  /** Whether the kubeconfig has this context. */
  has(name: string): boolean {
    return !!this.base.getContextObject(name);
  }

  /** The context's services, started on first use. */
  services(name: string): ContextServices {
    return this.entry(name).services;
  }

  kubeConfig(name: string): KubeConfig {
    return this.services(name).kubeConfig;
  }

  cache(name: string): ClusterCache {
    return this.services(name).cache;
  }

  /** Running bundles. */
  get size(): number {
    return this.entries.size;
  }

  /** Names of the running bundles. */
  running(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The provider of `topic` in the context's own topic table (undefined when the bundle serves no
   * such topic); its subscriptions keep the bundle in use.
   */
  provider(name: string, topic: string): TopicProvider | undefined {
    const e = this.entry(name);
    const p = e.topics.provider(topic);
    if (!p) return undefined;
    return {
      subscribe: (params, sink, t) => {
        e.subscribers++;
        let stop: () => void;
        try {
          stop = p.subscribe(params, sink, t);
        } catch (err) {
          e.subscribers--;
          throw err;
        }
        let done = false;
        return () => {
          if (done) return;
          done = true;
          e.subscribers--;
          e.usedAt = this.now();
          stop();
        };
      },
    };
  }

  /** Stops the bundles unused for `idleMs`; returns their names. */
  sweep(): string[] {
    const now = this.now();
    const stopped: string[] = [];
    for (const [name, e] of this.entries) {
      if (e.subscribers === 0 && now - e.usedAt >= this.idleMs) {
        this.remove(name, e);
        stopped.push(name);
      }
    }
    if (stopped.length) this.opts.log?.(`gatescope: stopped the services of idle context(s) ${stopped.join(', ')}`);
    return stopped;
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const [name, e] of [...this.entries]) this.remove(name, e);
  }

  private remove(name: string, e: Entry): void {
    e.topics.close();
    e.services.stop();
    this.entries.delete(name);
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private entry(name: string): Entry {
    if (name === this.primary) throw new Error(`context "${name}" is the console's own: its services are the runtime's`);
    const now = this.now();
    let e = this.entries.get(name);
    if (!e) {
      const kc = kubeConfigForContext(this.base, name);
      const services = (this.opts.create ?? ((k, n) => createContextServices(k, n, { log: this.opts.log })))(kc, name);
      const topics = new Hub({ context: name, mode: this.opts.mode });
      services.start(topics);
      e = { services, topics, usedAt: now, subscribers: 0 };
      this.entries.set(name, e);
      this.opts.log?.(`gatescope: started the services of context ${name}`);
      this.evictBeyondMax(name);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(this.idleMs, 60_000)));
        this.sweeper.unref();
      }
    }
    e.usedAt = now;
    return e;
  }

  private evictBeyondMax(keep: string): void {
    const max = this.opts.max ?? 4;
    const idle = [...this.entries].filter(([n, e]) => n !== keep && e.subscribers === 0).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [n, e] of idle) {
      if (this.entries.size <= max) break;
      this.remove(n, e);
    }
  }
}
