/**
 * The drift service: each gateway pod's `/config_dump?include_eds` (through EnvoyAdmin, the
 * allow-listed port-forward to :15000) compared with the resources in the cluster cache by
 * lib/envoy/drift, published on hub topic `drift` and answered by `GET /api/drift`.
 *
 * When: while someone listens (the topic) — on a change of the cache (resources, pods) after
 * `debounceMs`, when the sync status changes (a push was ACKed or NACKed: Envoy's config
 * changed), and every `intervalMs` (endpoint health). Runs never overlap; a run asked for during
 * one runs right after it (coalesced). Dumps are fetched `concurrency` pods at a time. A cache
 * change alone recomputes against the dumps already fetched when no fetch is due.
 */
import { meshSnapshotFromPlurals, type MeshSnapshot } from '../../lib/istio/snapshot';
import type { Pod } from '../../lib/kube/core';
import type { KubeObject } from '../../lib/kube/object';
import { gatewayPods } from '../../lib/routing/gateway-proxy';
import { parseConfigDump, type ConfigDumpModel } from '../../lib/envoy/config-dump';
import { checkDrift } from '../../lib/envoy/drift';
import type { ClusterCache } from '../kube/cache';
import type { Hub } from '../stream/hub';
import type { AdminClient } from './admin-route';

export type { PodDriftStatus, DriftSnapshot } from '../../lib/sync/snapshot';
import type { DriftSnapshot, PodDriftStatus } from '../../lib/sync/snapshot';

export interface DriftServiceOptions {
  debounceMs?: number;
  intervalMs?: number;
  concurrency?: number;
  now?: () => number;
}

interface Fetched {
  at: number;
  model?: ConfigDumpModel;
  version?: string;
  error?: string;
}

const isRunning = (p: Pod) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;

function newestVersion(m: ConfigDumpModel): string | undefined {
  const all = [...m.listeners.map((l) => l.versionInfo), ...m.routeConfigs.map((r) => r.versionInfo), ...m.clusters.map((c) => c.versionInfo)].filter((v): v is string => !!v);
  return all.sort().at(-1);
}

export class DriftService {
  private readonly opts: Required<DriftServiceOptions>;
  private readonly dumps = new Map<string, Fetched>();
  private readonly listeners = new Set<(s: DriftSnapshot) => void>();
  private latest?: DriftSnapshot;
  private contentKey = '';
  private version = 0;
  private subscribers = 0;
  private inFlight?: Promise<DriftSnapshot>;
  private again = false;
  private debounce?: NodeJS.Timeout;
  private interval?: NodeJS.Timeout;
  private offs: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly admin: AdminClient,
    private readonly cache: ClusterCache,
    opts: DriftServiceOptions = {},
  ) {
    this.opts = { debounceMs: opts.debounceMs ?? 150, intervalMs: opts.intervalMs ?? 5000, concurrency: opts.concurrency ?? 4, now: opts.now ?? Date.now };
  }

  /**
   * Starts listening to the cache (and to `onSyncChange`, e.g. IstiodSync.onSnapshot) and
   * registers hub topic `drift`.
   */
  start(hub?: Hub, onSyncChange?: (fn: () => void) => () => void): void {
    this.offs.push(this.cache.onChange(() => this.schedule()));
    if (onSyncChange) this.offs.push(onSyncChange(() => this.schedule(0)));
    hub?.register('drift', {
      subscribe: (_params, sink) => {
        this.subscribers++;
        if (this.latest) sink.snapshot(this.latest.version, this.latest);
        const off = this.onSnapshot((s) => sink.snapshot(s.version, s));
        this.ensureInterval();
        this.schedule(0);
        return () => {
          off();
          this.subscribers--;
          if (this.subscribers === 0 && this.interval) {
            clearInterval(this.interval);
            this.interval = undefined;
          }
        };
      },
    });
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs) off();
    this.offs = [];
    if (this.debounce) clearTimeout(this.debounce);
    if (this.interval) clearInterval(this.interval);
    this.listeners.clear();
  }

  onSnapshot(fn: (s: DriftSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  current(): DriftSnapshot | undefined {
    return this.latest;
  }

  /** A snapshot no older than maxAgeMs (fetches when needed): what GET /api/drift answers. */
  async snapshot(maxAgeMs = 2000): Promise<DriftSnapshot> {
    if (this.latest && this.opts.now() - this.latest.computedAt <= maxAgeMs) return this.latest;
    return this.refresh();
  }

  /** Fetches every gateway pod's dump and recomputes (or right after the run in flight). */
  refresh(): Promise<DriftSnapshot> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight.then(() => this.inFlight ?? this.refresh());
    }
    const p = this.run().finally(() => {
      this.inFlight = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.refresh().catch(() => {});
      }
    });
    this.inFlight = p;
    return p;
  }

  // --- internals ---

  private wanted(): boolean {
    return !this.stopped && this.subscribers > 0;
  }

  private ensureInterval(): void {
    if (this.interval || this.stopped) return;
    this.interval = setInterval(() => {
      if (this.wanted()) void this.refresh().catch(() => {});
    }, this.opts.intervalMs);
    this.interval.unref();
  }

  private schedule(delay = this.opts.debounceMs): void {
    if (!this.wanted()) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (this.wanted()) void this.refresh().catch(() => {});
    }, delay);
    this.debounce.unref();
  }

  private async fetchDump(pod: Pod): Promise<Fetched> {
    const at = this.opts.now();
    try {
      const res = await this.admin.request({ namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, method: 'GET', path: '/config_dump', query: { include_eds: 'true' } });
      if (res.status !== 200) return { at, error: `Envoy answered /config_dump with HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 200)}` };
      const model = parseConfigDump(res.body.toString('utf8'));
      return { at, model, version: newestVersion(model) };
    } catch (err) {
      return { at, error: (err as Error).message };
    }
  }

  private async run(): Promise<DriftSnapshot> {
    const snapshot: MeshSnapshot = meshSnapshotFromPlurals(this.cache.snapshot() as Record<string, KubeObject[]>);
    const pods = gatewayPods(snapshot).filter(isRunning);
    const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
    // Bounded concurrency: `concurrency` workers over the pod list.
    const queue = [...pods];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) this.dumps.set(key(p), await this.fetchDump(p));
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    for (const k of [...this.dumps.keys()]) if (!pods.some((p) => key(p) === k)) this.dumps.delete(k);

    const rows: PodDriftStatus[] = pods.map((p) => {
      const f = this.dumps.get(key(p));
      const row: PodDriftStatus = { pod: p.metadata.name, namespace: p.metadata.namespace ?? '' };
      if (!f) return row;
      row.fetchedAt = f.at;
      if (f.version) row.configVersion = f.version;
      if (f.error) row.error = f.error;
      if (f.model) {
        try {
          row.drift = checkDrift(f.model, snapshot, p);
        } catch (err) {
          row.error = `drift check failed: ${(err as Error).message}`;
        }
      }
      return row;
    });
    const computedAt = this.opts.now();
    const content = JSON.stringify(rows.map((r) => ({ ...r, fetchedAt: undefined })));
    if (content !== this.contentKey || !this.latest) {
      this.contentKey = content;
      this.latest = { version: ++this.version, computedAt, pods: rows };
      for (const fn of this.listeners) fn(this.latest);
    } else {
      this.latest = { ...this.latest, computedAt };
    }
    return this.latest;
  }
}
