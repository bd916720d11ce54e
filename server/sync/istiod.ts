/**
 * Proxy sync status from every istiod replica, the way istioctl gets it: a port-forward to each
 * istiod pod's :15014 and `GET /debug/syncz` (istiod lets loopback callers in without a token;
 * the kube-apiserver's service proxy can carry neither the user's token nor an istio-ca one —
 * reliability notes §0.2, §1.3).
 *
 * Polls every `intervalMs` (500 ms) while someone listens (hub topic `sync`) or a rollout is being
 * tracked, and every `burstIntervalMs` (100 ms) for `burstMs` after a Gateway, VirtualService or
 * DestinationRule changed in the cache, so an acknowledgement shows within a fraction of a second.
 * Polls never overlap; a poll asked for during one runs right after it. Snapshots carry a version
 * that grows only when the content changed.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObjectLike } from '../kube/informer';
import type { ClusterCache } from '../kube/cache';
import { kubeJson } from '../kube/transport';
import { ForwardPool, forwardGet } from '../kube/port-forward';
import type { Hub } from '../stream/hub';
import { mergeReplicas, parseSyncz, type ProxySync } from './syncz';
import { RolloutTracker, type RolloutStatus, type RolloutTrackerOptions } from './rollout';

export const ISTIOD_DEBUG_PORT = 15014;

export type { IstiodStatus, SyncSnapshot } from '../../lib/sync/snapshot';
import type { IstiodStatus, SyncSnapshot } from '../../lib/sync/snapshot';

export interface IstiodSyncOptions {
  /** Where istiod runs (default istio-system). */
  namespace?: string;
  /** Equality selector of istiod pods, `k=v[,k=v]` (default app=istiod). */
  labelSelector?: string;
  port?: number;
  intervalMs?: number;
  burstIntervalMs?: number;
  burstMs?: number;
  /** Per istiod request (default 5 s). */
  timeoutMs?: number;
  /** Per istiod answer (default 32 MiB). */
  maxBytes?: number;
  rollouts?: RolloutTrackerOptions;
  now?: () => number;
}

const CONFIG_KINDS = ['gateways', 'virtualservices', 'destinationrules'];

function parseSelector(sel: string): Array<[string, string]> {
  return sel
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf('=');
      if (i <= 0) throw new Error(`istiod label selector must be k=v[,k=v], got ${JSON.stringify(sel)}`);
      return [s.slice(0, i).replace(/=$/, ''), s.slice(i + 1).replace(/^=/, '')] as [string, string];
    });
}

const isRunning = (p: KubeObjectLike) => (p['status'] as { phase?: string } | undefined)?.phase === 'Running' && !p.metadata['deletionTimestamp'];

export class IstiodSync {
  private readonly opts: Required<Omit<IstiodSyncOptions, 'rollouts'>>;
  private readonly selector: Array<[string, string]>;
  private readonly pool: ForwardPool;
  private readonly tracker: RolloutTracker;
  private readonly listeners = new Set<(s: SyncSnapshot) => void>();
  private latest?: SyncSnapshot;
  private contentKey = '';
  private version = 0;
  private subscribers = 0;
  private inFlight?: Promise<SyncSnapshot>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private burstUntil = 0;
  private configSig = '';
  private offCache?: () => void;
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly cache?: ClusterCache,
    opts: IstiodSyncOptions = {},
  ) {
    this.opts = {
      namespace: opts.namespace ?? 'istio-system',
      labelSelector: opts.labelSelector ?? 'app=istiod',
      port: opts.port ?? ISTIOD_DEBUG_PORT,
      intervalMs: opts.intervalMs ?? 500,
      burstIntervalMs: opts.burstIntervalMs ?? 100,
      burstMs: opts.burstMs ?? 3000,
      timeoutMs: opts.timeoutMs ?? 5000,
      maxBytes: opts.maxBytes ?? 32 * 1024 * 1024,
      now: opts.now ?? Date.now,
    };
    this.selector = parseSelector(this.opts.labelSelector);
    this.pool = new ForwardPool(kc, { idleMs: 30_000 });
    this.tracker = new RolloutTracker(opts.rollouts);
  }

  /** Watches the cache for config changes and registers the hub topic `sync`. */
  start(hub?: Hub): void {
    if (this.cache) {
      this.configSig = this.signature();
      this.offCache = this.cache.onChange(() => {
        const sig = this.signature();
        if (sig === this.configSig) return;
        this.configSig = sig;
        this.burstUntil = this.opts.now() + this.opts.burstMs;
        if (this.wanted()) this.kick();
      });
    }
    hub?.register('sync', {
      subscribe: (_params, sink) => {
        this.subscribers++;
        if (this.latest) sink.snapshot(this.latest.version, this.latest);
        const off = this.onSnapshot((s) => sink.snapshot(s.version, s));
        this.kick();
        return () => {
          off();
          this.subscribers--;
        };
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.offCache?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pool.close();
    this.listeners.clear();
  }

  onSnapshot(fn: (s: SyncSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** True while a poll runs or the next one is scheduled. */
  get polling(): boolean {
    return this.inFlight !== undefined || this.timer !== undefined;
  }

  /** The last snapshot, if any poll completed. */
  current(): SyncSnapshot | undefined {
    return this.latest;
  }

  /** A snapshot no older than maxAgeMs (polls when needed): what GET /api/sync answers. */
  async snapshot(maxAgeMs = 1000): Promise<SyncSnapshot> {
    if (this.latest && this.opts.now() - this.latest.fetchedAt <= maxAgeMs) return this.latest;
    return this.refresh();
  }

  /** Polls now (or right after the poll in flight) and resolves with the resulting snapshot. */
  refresh(): Promise<SyncSnapshot> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight.then(() => this.inFlight ?? this.refresh());
    }
    const p = this.poll().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      } else this.schedule();
    });
    this.inFlight = p;
    return p;
  }

  /**
   * Tracks the rollout of an apply made at `appliedAt` (ms since epoch, the console's clock):
   * each gateway pod's acknowledgement (or NACK) appears in the snapshots' `rollouts`.
   */
  trackRollout(appliedAt: number, label?: string): RolloutStatus {
    const status = this.tracker.begin(appliedAt, this.latest?.proxies, this.opts.now(), label);
    this.burstUntil = Math.max(this.burstUntil, this.opts.now() + this.opts.burstMs);
    this.kick();
    return status;
  }

  rollout(id: string): RolloutStatus | undefined {
    return this.tracker.get(id);
  }

  // --- internals ---

  private wanted(): boolean {
    return !this.stopped && (this.subscribers > 0 || this.tracker.active > 0);
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.refresh().catch(() => {});
  }

  private schedule(): void {
    if (this.timer || !this.wanted()) return;
    const now = this.opts.now();
    const delay = now < this.burstUntil ? this.opts.burstIntervalMs : this.opts.intervalMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.wanted()) void this.refresh().catch(() => {});
    }, delay);
    this.timer.unref();
  }

  private signature(): string {
    return CONFIG_KINDS.map((k) => this.cache?.informers.get(k)?.state.resourceVersion ?? '').join('|');
  }

  /** Running istiod pods: from the cache when it has synced, else by a list call. */
  async istiodPods(): Promise<KubeObjectLike[]> {
    const matches = (p: KubeObjectLike) => {
      const labels = (p.metadata['labels'] ?? {}) as Record<string, string>;
      return p.metadata.namespace === this.opts.namespace && this.selector.every(([k, v]) => labels[k] === v);
    };
    let pods: KubeObjectLike[];
    if (this.cache?.informers.get('pods')?.state.synced) pods = this.cache.list('pods').filter(matches);
    else {
      const { body } = await kubeJson<{ items: KubeObjectLike[] }>(this.kc, {
        path: `/api/v1/namespaces/${this.opts.namespace}/pods`,
        query: { labelSelector: this.opts.labelSelector },
        timeoutMs: this.opts.timeoutMs,
      });
      pods = body.items ?? [];
    }
    return pods.filter(isRunning).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  private async fetchOne(pod: string): Promise<ProxySync[]> {
    const res = await forwardGet(this.kc, {
      namespace: this.opts.namespace,
      pod,
      port: this.opts.port,
      path: '/debug/syncz',
      maxBytes: this.opts.maxBytes,
      timeoutMs: this.opts.timeoutMs,
      pool: this.pool,
    });
    if (res.status !== 200) {
      const text = res.body.toString('utf8').trim().slice(0, 300);
      throw new Error(`istiod ${this.opts.namespace}/${pod} answered /debug/syncz with HTTP ${res.status}${text ? `: ${text}` : ''}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new Error(`istiod ${this.opts.namespace}/${pod} answered /debug/syncz with something that is not JSON`);
    }
    return parseSyncz(json, pod);
  }

  private async poll(): Promise<SyncSnapshot> {
    const fetchedAt = this.opts.now();
    let istiods: IstiodStatus[] = [];
    let proxies: ProxySync[] = [];
    let error: string | undefined;
    try {
      const pods = await this.istiodPods();
      if (pods.length === 0) error = `no running istiod pod in ${this.opts.namespace} (${this.opts.labelSelector})`;
      const results = await Promise.allSettled(pods.map((p) => this.fetchOne(p.metadata.name)));
      const perIstiod: ProxySync[][] = [];
      istiods = pods.map((p, i) => {
        const r = results[i]!;
        if (r.status === 'fulfilled') {
          perIstiod.push(r.value);
          return { pod: p.metadata.name, namespace: this.opts.namespace, ok: true, proxies: r.value.length };
        }
        return { pod: p.metadata.name, namespace: this.opts.namespace, ok: false, error: (r.reason as Error).message, proxies: 0 };
      });
      proxies = mergeReplicas(perIstiod);
    } catch (err) {
      error = `cannot list istiod pods in ${this.opts.namespace}: ${(err as Error).message}`;
    }
    // A failed replica keeps nothing; if every replica failed, keep the last rows (marked by errors).
    if (istiods.length > 0 && istiods.every((i) => !i.ok) && this.latest) proxies = this.latest.proxies;
    const now = this.opts.now();
    this.tracker.update(proxies, now);
    const rollouts = structuredClone(this.tracker.list());
    const key = JSON.stringify({ istiods, proxies, rollouts, error });
    if (key !== this.contentKey || !this.latest) {
      this.contentKey = key;
      this.latest = { version: ++this.version, fetchedAt, istiods, proxies, rollouts, error };
      for (const fn of this.listeners) fn(this.latest);
    } else {
      this.latest = { ...this.latest, fetchedAt };
    }
    return this.latest;
  }
}
