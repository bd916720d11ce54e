/**
 * The log followers of every gateway pod: which pods (those selected by `istio=ingressgateway` and
 * by any Gateway's `spec.selector`), one PodLogFollower each (new pods picked up, deleted ones
 * stopped), every line parsed with lib/accesslog (the mesh config's format when it sets one),
 * attributed to its route/Service/subset, counted by lib/traffic, kept in a bounded ring and
 * handed to listeners in batches.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { CompiledFormat } from '../../lib/accesslog/format';
import { recordFromLine } from '../../lib/logs/from-line';
import { compileLabelSelector, matchesLabels } from '../../lib/kube/selector';
import type { LogRecord } from '../../lib/logs/record';
import { accessLogFormat, meshAccessLog, type MeshAccessLog } from '../../lib/logs/mesh-access-log';
import { Ring } from '../../lib/logs/ring';
import { TrafficAggregator } from '../../lib/traffic/aggregate';
import type { NodeLike } from '../../lib/traffic/attribute';
import type { ClusterCache } from '../kube/cache';
import type { KubeObjectLike } from '../kube/informer';
import { PodLogFollower, type FollowedLine, type FollowerStatus } from './pod-follower';

export const DEFAULT_GATEWAY_SELECTOR = 'istio=ingressgateway';

export interface GatewayLogsOptions {
  /** Label selector of gateway pods besides the Gateways' own selectors (default `istio=ingressgateway`). */
  selector?: string;
  /** Only pods of this namespace. */
  namespace?: string;
  /** Also follow the pods the Gateway resources select (default true). */
  gatewaySelectors?: boolean;
  /** Records kept for new subscribers (default 5,000). */
  bufferLines?: number;
  /** Backlog per pod on first connect (default 200). */
  tailLines?: number;
  /** Topology nodes for attribution (lib/topology ids); called when the cache changes. */
  topology?: () => readonly NodeLike[];
  now?: () => number;
  minBackoffMs?: number;
}

export interface LogsStatus {
  pods: FollowerStatus[];
  /** Lines received, by kind, since start. */
  totals: { lines: number; access: number; proxy: number; invalid: number; duplicatesSkipped: number; gaps: number };
  mesh: MeshAccessLog;
  seq: number;
}

interface PodLike extends KubeObjectLike {
  metadata: KubeObjectLike['metadata'] & { labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { containers?: Array<{ name: string }> };
  status?: { phase?: string; containerStatuses?: Array<{ name: string; containerID?: string; state?: Record<string, unknown> }> };
}

/** The gateway container of a pod: `istio-proxy` when present, else the first container. */
export function gatewayContainer(pod: PodLike): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  return names.includes('istio-proxy') ? 'istio-proxy' : names[0];
}

export class GatewayLogs {
  readonly traffic: TrafficAggregator;
  private readonly followers = new Map<string, PodLogFollower>();
  private readonly ring: Ring<LogRecord>;
  private readonly listeners = new Set<(records: LogRecord[]) => void>();
  private readonly statusListeners = new Set<() => void>();
  private seq = 0;
  private totals = { lines: 0, access: 0, proxy: 0, invalid: 0 };
  private mesh: MeshAccessLog = { enabled: false, source: 'missing' };
  private format: CompiledFormat | undefined;
  private offChange?: () => void;
  private readonly matchSelector: (labels: Record<string, string> | undefined) => boolean;
  private topologyVersion = -1;
  private topologySignature = '';
  private readonly now: () => number;

  constructor(
    private readonly kc: KubeConfig,
    private readonly cache: ClusterCache,
    private readonly opts: GatewayLogsOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.ring = new Ring(opts.bufferLines ?? 5_000);
    this.traffic = new TrafficAggregator(opts.topology?.() ?? []);
    this.matchSelector = compileLabelSelector(opts.selector ?? DEFAULT_GATEWAY_SELECTOR);
  }

  start(): void {
    this.offChange = this.cache.onChange(() => this.reconcile());
    this.reconcile();
  }

  stop(): void {
    this.offChange?.();
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
  }

  /** Batches of new records, in order. Returns the unsubscribe function. */
  onRecords(fn: (records: LogRecord[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Follower state changes (pods added/removed, gaps, errors). */
  onStatus(fn: () => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  recent(n?: number): LogRecord[] {
    return this.ring.last(n);
  }

  status(): LogsStatus {
    const pods = [...this.followers.values()].map((f) => ({ ...f.status, gaps: f.status.gaps.map((g) => ({ ...g })) })).sort((a, b) => (a.pod < b.pod ? -1 : 1));
    const duplicatesSkipped = pods.reduce((a, p) => a + p.duplicatesSkipped, 0);
    const gaps = pods.reduce((a, p) => a + p.gapCount, 0);
    return { pods, totals: { ...this.totals, duplicatesSkipped, gaps }, mesh: this.mesh, seq: this.seq };
  }

  /** The pods to follow, by `namespace/name`. */
  targets(): Map<string, PodLike> {
    const pods = this.cache.list<PodLike>('pods');
    const gwSelectors: Array<Record<string, string>> = [];
    if (this.opts.gatewaySelectors !== false) {
      for (const g of this.cache.list<KubeObjectLike & { spec?: { selector?: Record<string, string> } }>('gateways')) {
        const sel = g.spec?.selector;
        if (sel && Object.keys(sel).length) gwSelectors.push(sel);
      }
    }
    const out = new Map<string, PodLike>();
    for (const p of pods) {
      if (this.opts.namespace && p.metadata.namespace !== this.opts.namespace) continue;
      if (p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const labels = p.metadata.labels;
      if (!this.matchSelector(labels) && !gwSelectors.some((s) => matchesLabels(s, labels))) continue;
      out.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
    }
    return out;
  }

  private reconcile(): void {
    // Mesh config: access logging on/off and the format.
    const cm = this.cache.get<KubeObjectLike & { data?: Record<string, string> }>('configmaps', 'istio-system', 'istio');
    const mesh = meshAccessLog(cm);
    if (JSON.stringify(mesh) !== JSON.stringify(this.mesh)) {
      this.mesh = mesh;
      this.format = accessLogFormat(mesh);
      this.emitStatus();
    }
    if (this.opts.topology && this.cache.version !== this.topologyVersion) {
      this.topologyVersion = this.cache.version;
      // Only routes and VirtualServices matter for attribution: pod churn keeps the index.
      const nodes = this.opts.topology();
      const signature = JSON.stringify(nodes.filter((n) => /^(route|virtualService):/.test(n.id)));
      if (signature !== this.topologySignature) {
        this.topologySignature = signature;
        this.traffic.setTopology(nodes);
      }
    }
    const targets = this.targets();
    for (const [key, f] of this.followers) {
      if (!targets.has(key)) {
        f.stop();
        this.followers.delete(key);
        this.emitStatus();
      }
    }
    for (const [key, pod] of targets) {
      const existing = this.followers.get(key);
      const started = pod.status?.containerStatuses?.some((c) => c.containerID);
      if (existing) {
        if (started && existing.status.state === 'waiting') existing.poke();
        continue;
      }
      const container = gatewayContainer(pod);
      if (!container) continue;
      const f = new PodLogFollower(this.kc, {
        namespace: pod.metadata.namespace ?? 'default',
        pod: pod.metadata.name,
        container,
        tailLines: this.opts.tailLines,
        minBackoffMs: this.opts.minBackoffMs,
        onLines: (lines) => this.ingest(key, container, lines),
        onStatus: () => this.emitStatus(),
      });
      this.followers.set(key, f);
      f.start();
      this.emitStatus();
    }
  }

  private statusPending = false;
  private emitStatus(): void {
    if (this.statusPending) return;
    this.statusPending = true;
    queueMicrotask(() => {
      this.statusPending = false;
      for (const fn of this.statusListeners) fn();
    });
  }

  private ingest(pod: string, container: string, lines: FollowedLine[]): void {
    const out: LogRecord[] = [];
    for (const l of lines) {
      const r = this.toRecord(pod, container, l);
      this.ring.push(r);
      out.push(r);
    }
    for (const fn of this.listeners) fn(out);
  }

  private toRecord(pod: string, container: string, l: FollowedLine): LogRecord {
    this.totals.lines++;
    const r = recordFromLine(++this.seq, pod, container, l.ts || undefined, l.text, this.format);
    this.totals[r.kind]++;
    if (r.kind !== 'access' || !r.entry) return r;
    const tsMs = l.ts ? Date.parse(l.ts) : Number.NaN;
    const a = this.traffic.addEntry(pod, r.entry, Number.isNaN(tsMs) ? this.now() : tsMs);
    if (a?.routeId) r.routeId = a.routeId;
    if (a?.serviceId) r.serviceId = a.serviceId;
    if (a?.subsetId) r.subsetId = a.subsetId;
    return r;
  }
}
