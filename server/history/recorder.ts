/**
 * The console's change history: every version of a Gateway, VirtualService or DestinationRule
 * the cache's informers see (each watch event, not the coalesced change signal), with the field
 * manager that made it (from managedFields) and the diff from the version before. Kept in memory
 * and bounded: at most `perObject` versions per object and `total` versions overall (the oldest go
 * first). Published as the `history` topic (summaries, no objects); a version's object is read
 * with `get(seq)` (GET /api/history/<seq>).
 */
import {
  entryKey,
  HISTORY_PLURALS,
  historyObject,
  latestFieldManager,
  versionChanges,
  type HistoryEvent,
  type HistoryPlural,
  type HistorySummary,
  type HistoryVersion,
} from '../../lib/history/versions';
import type { InformerEventType, KubeObjectLike } from '../kube/informer';
import type { Hub } from '../stream/hub';

/** What the recorder needs of the cluster cache (its informers), so tests can feed it events. */
export interface HistorySource {
  informers: ReadonlyMap<string, { on(fn: (type: InformerEventType, obj: KubeObjectLike, old?: KubeObjectLike) => void): () => void; state: { synced: boolean } }>;
}

export interface HistoryOptions {
  perObject?: number;
  total?: number;
  now?: () => Date;
  /** Coalescing window for topic snapshots (ms). */
  publishMs?: number;
}

export interface HistoryListing {
  entries: HistorySummary[];
  /** Versions dropped to stay within the bounds. */
  evicted: number;
  limits: { perObject: number; total: number };
}

const summaryOf = ({ object: _object, ...s }: HistoryVersion): HistorySummary => s;

export class HistoryRecorder {
  private readonly versions: HistoryVersion[] = [];
  private readonly lastByObject = new Map<string, HistoryVersion>();
  private readonly listeners = new Set<() => void>();
  private readonly offs: Array<() => void> = [];
  private seq = 0;
  private evicted = 0;
  readonly perObject: number;
  readonly total: number;
  private readonly now: () => Date;

  constructor(
    source: HistorySource,
    private readonly opts: HistoryOptions = {},
  ) {
    this.perObject = opts.perObject ?? 50;
    this.total = opts.total ?? 2000;
    this.now = opts.now ?? (() => new Date());
    for (const plural of HISTORY_PLURALS) {
      const inf = source.informers.get(plural);
      if (!inf) continue;
      this.offs.push(inf.on((type, obj) => this.record(plural, type, obj, !inf.state.synced)));
    }
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
  }

  /** Summaries, oldest first. */
  list(): HistoryListing {
    return { entries: this.versions.map(summaryOf), evicted: this.evicted, limits: { perObject: this.perObject, total: this.total } };
  }

  get(seq: number): HistoryVersion | undefined {
    return this.versions.find((v) => v.seq === seq);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  record(plural: HistoryPlural, type: InformerEventType, raw: KubeObjectLike, listing = false): HistoryVersion | undefined {
    const obj = historyObject(raw) as HistoryVersion['object'];
    const namespace = raw.metadata.namespace ?? '';
    const key = entryKey({ plural, namespace, name: raw.metadata.name });
    const prev = this.lastByObject.get(key);
    const uid = raw.metadata.uid;
    // The same version again (a relist), or a version we already have: nothing new.
    if (type !== 'DELETED' && prev && prev.event !== 'deleted' && prev.resourceVersion === raw.metadata.resourceVersion) return undefined;
    if (type === 'DELETED' && prev?.event === 'deleted') return undefined;
    const samePrev = prev && prev.event !== 'deleted' && (!uid || !prev.uid || prev.uid === uid) ? prev : undefined;
    const event: HistoryEvent = type === 'DELETED' ? 'deleted' : listing ? 'listed' : samePrev ? 'updated' : 'created';
    const fm = latestFieldManager(raw.metadata['managedFields']);
    const v: HistoryVersion = {
      seq: ++this.seq,
      plural,
      kind: raw.kind ?? '',
      namespace,
      name: raw.metadata.name,
      event,
      observedAt: this.now().toISOString(),
      changes: type === 'DELETED' || !samePrev ? [] : versionChanges(samePrev.object, obj),
      object: obj,
    };
    if (uid) v.uid = uid;
    if (raw.metadata.resourceVersion) v.resourceVersion = raw.metadata.resourceVersion;
    const gen = raw.metadata['generation'];
    if (typeof gen === 'number') v.generation = gen;
    if (fm && type !== 'DELETED') {
      v.fieldManager = fm.manager;
      if (fm.operation) v.operation = fm.operation;
      if (fm.time) v.changedAt = fm.time;
    }
    this.versions.push(v);
    this.lastByObject.set(key, v);
    this.evict(key);
    this.announce();
    return v;
  }

  private evict(key: string): void {
    const mine = this.versions.filter((v) => entryKey(v) === key);
    if (mine.length > this.perObject) this.drop(new Set(mine.slice(0, mine.length - this.perObject)));
    if (this.versions.length > this.total) this.drop(new Set(this.versions.slice(0, this.versions.length - this.total)));
  }

  private drop(gone: Set<HistoryVersion>): void {
    let w = 0;
    for (const v of this.versions) if (!gone.has(v)) this.versions[w++] = v;
    this.versions.length = w;
    this.evicted += gone.size;
  }

  private pending?: NodeJS.Timeout;
  private announce(): void {
    if (this.pending || this.listeners.size === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const fn of this.listeners) fn();
    }, this.opts.publishMs ?? 50);
  }

  /** Registers the `history` topic: the summaries, again after each new version (coalesced). */
  publish(hub: Hub): void {
    let version = 0;
    hub.register('history', {
      subscribe: (_params, sink) => {
        sink.snapshot(++version, this.list());
        return this.onChange(() => sink.snapshot(++version, this.list()));
      },
    });
  }
}
