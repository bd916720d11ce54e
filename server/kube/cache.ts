/**
 * The console's cluster cache: one supervised informer per kind the console reads, a combined
 * snapshot, and a change signal (coalesced, so a burst of watch events costs one rebuild).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Informer, type InformerState, type KubeObjectLike } from './informer';

export interface WatchedKind {
  /** Key in the snapshot, the resource's plural. */
  plural: string;
  group: string;
  version: string;
  kind: string;
  /** Restrict to one namespace (e.g. the mesh ConfigMap in istio-system). */
  namespace?: string;
  fieldSelector?: string;
}

export const WATCHED_KINDS: WatchedKind[] = [
  { plural: 'gateways', group: 'networking.istio.io', version: 'v1', kind: 'Gateway' },
  { plural: 'virtualservices', group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
  { plural: 'destinationrules', group: 'networking.istio.io', version: 'v1', kind: 'DestinationRule' },
  { plural: 'services', group: '', version: 'v1', kind: 'Service' },
  { plural: 'endpoints', group: '', version: 'v1', kind: 'Endpoints' },
  { plural: 'pods', group: '', version: 'v1', kind: 'Pod' },
  { plural: 'deployments', group: 'apps', version: 'v1', kind: 'Deployment' },
  { plural: 'secrets', group: '', version: 'v1', kind: 'Secret' },
  { plural: 'configmaps', group: '', version: 'v1', kind: 'ConfigMap', namespace: 'istio-system' },
  { plural: 'ingresses', group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  { plural: 'namespaces', group: '', version: 'v1', kind: 'Namespace' },
  { plural: 'nodes', group: '', version: 'v1', kind: 'Node' },
];

export function collectionPath(k: Pick<WatchedKind, 'group' | 'version' | 'plural' | 'namespace'>): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.namespace ? `${base}/namespaces/${k.namespace}/${k.plural}` : `${base}/${k.plural}`;
}

export type Snapshot = Record<string, KubeObjectLike[]>;

export interface CacheState {
  /** Every informer has listed once. */
  synced: boolean;
  /** Every informer's watch is open. */
  connected: boolean;
  /** Earliest time any informer started failing (undefined when all are healthy). */
  retryingSince?: number;
  lastError?: string;
  lastEventAt?: number;
  kinds: Record<string, InformerState>;
}

export interface ClusterCacheOptions {
  kinds?: WatchedKind[];
  /** Coalescing window for change notifications (ms). */
  coalesceMs?: number;
  informerOptions?: Partial<ConstructorParameters<typeof Informer>[1]>;
}

export class ClusterCache {
  readonly informers = new Map<string, Informer>();
  private readonly changeHandlers = new Set<(version: number) => void>();
  private readonly stateHandlers = new Set<(s: CacheState) => void>();
  private pending?: NodeJS.Timeout;
  /** Grows on every change of any watched object. */
  version = 0;

  constructor(
    kc: KubeConfig,
    private readonly opts: ClusterCacheOptions = {},
  ) {
    for (const k of opts.kinds ?? WATCHED_KINDS) {
      const inf = new Informer(kc, {
        path: collectionPath(k),
        fieldSelector: k.fieldSelector,
        kind: k.kind,
        apiVersion: k.group ? `${k.group}/${k.version}` : k.version,
        ...opts.informerOptions,
      });
      inf.on(() => this.changed());
      inf.onState(() => this.stateChanged());
      this.informers.set(k.plural, inf);
    }
  }

  start(): void {
    for (const inf of this.informers.values()) inf.start();
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const inf of this.informers.values()) inf.stop();
  }

  list<T extends KubeObjectLike = KubeObjectLike>(plural: string): T[] {
    return (this.informers.get(plural)?.list() ?? []) as T[];
  }

  get<T extends KubeObjectLike = KubeObjectLike>(plural: string, namespace: string | undefined, name: string): T | undefined {
    return this.informers.get(plural)?.get(namespace, name) as T | undefined;
  }

  /** Every cached object of every kind, as one list (what lib/analysis and lib/topology read). */
  objects(): KubeObjectLike[] {
    const out: KubeObjectLike[] = [];
    for (const inf of this.informers.values()) out.push(...inf.list());
    return out;
  }

  snapshot(): Snapshot {
    const s: Snapshot = {};
    for (const [plural, inf] of this.informers) s[plural] = inf.list();
    return s;
  }

  state(): CacheState {
    const kinds: Record<string, InformerState> = {};
    let synced = true;
    let connected = true;
    let retryingSince: number | undefined;
    let lastError: string | undefined;
    let lastEventAt: number | undefined;
    for (const [plural, inf] of this.informers) {
      const s = { ...inf.state };
      kinds[plural] = s;
      synced &&= s.synced;
      connected &&= s.connected;
      if (s.retryingSince !== undefined) {
        if (retryingSince === undefined || s.retryingSince < retryingSince) {
          retryingSince = s.retryingSince;
          lastError = s.lastError;
        }
      }
      if (s.lastEventAt !== undefined) lastEventAt = Math.max(lastEventAt ?? 0, s.lastEventAt);
    }
    return { synced, connected, retryingSince, lastError, lastEventAt, kinds };
  }

  onChange(fn: (version: number) => void): () => void {
    this.changeHandlers.add(fn);
    return () => this.changeHandlers.delete(fn);
  }

  onState(fn: (s: CacheState) => void): () => void {
    this.stateHandlers.add(fn);
    return () => this.stateHandlers.delete(fn);
  }

  /** Resolves once every informer listed (or rejects after timeoutMs). */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    if (this.state().synced) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        off();
        reject(new Error(`cluster cache not synced after ${timeoutMs} ms: ${this.state().lastError ?? 'no answer'}`));
      }, timeoutMs);
      const off = this.onState((s) => {
        if (s.synced) {
          clearTimeout(t);
          off();
          resolve();
        }
      });
    });
  }

  private changed(): void {
    this.version++;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const fn of this.changeHandlers) fn(this.version);
    }, this.opts.coalesceMs ?? 30);
  }

  private lastStateJson = '';
  private stateChanged(): void {
    const s = this.state();
    // Only announce meaningful transitions (not every lastEventAt tick).
    const json = JSON.stringify({ ...s, lastEventAt: undefined, kinds: undefined });
    if (json === this.lastStateJson) return;
    this.lastStateJson = json;
    for (const fn of this.stateHandlers) fn(s);
  }
}
