/**
 * A list+watch supervisor modelled on client-go's Reflector, because client-node 1.x's ListWatch
 * stops on the first non-410 error and never backs off (reliability notes §2.2):
 *
 * - LIST (resourceVersion "0" first, "" after a 410) in pages, then WATCH from the list's RV with
 *   `allowWatchBookmarks=true` and `timeoutSeconds` random in [5 min, 10 min).
 * - BOOKMARKs advance the RV, so quiet resources stay resumable.
 * - A clean close re-watches from the last RV at once; an error backs off (0.8 s doubling to 30 s,
 *   full jitter, reset after 2 min healthy) and re-watches from the same RV, without a relist.
 * - The 410 `Expired` ERROR event (inside a 200 stream) or a 410 answer → relist with RV "", and
 *   objects missing from the new list are emitted as DELETED: a deleted object is never shown alive.
 * - An inactivity watchdog aborts a watch that has sent no byte for `timeoutSeconds + grace`
 *   (half-open connections: OS keep-alive can take many minutes to notice).
 *
 * Time and randomness are injectable for tests.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, kubeLines, KubeApiError, type LineStream } from './transport';

export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export type InformerEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerState {
  /** 'listing' → 'watching'; 'backoff' while waiting to retry; 'stopped' after stop(). */
  phase: 'idle' | 'listing' | 'watching' | 'backoff' | 'stopped';
  /** True once a list succeeded and the current watch is open. */
  connected: boolean;
  /** Since when the informer has been failing to reach the server (undefined when healthy). */
  retryingSince?: number;
  lastError?: string;
  /** Time of the last byte received from a watch (event or bookmark). */
  lastEventAt?: number;
  resourceVersion?: string;
  relists: number;
  reconnects: number;
  /** True once the first list completed (the cache is usable). */
  synced: boolean;
}

export interface InformerOptions {
  /** Collection path, e.g. '/apis/networking.istio.io/v1/virtualservices' or '/api/v1/namespaces/x/pods'. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  pageSize?: number;
  /** Watch timeout range in seconds (client-go: [300, 600)). */
  timeoutSeconds?: [number, number];
  /** Extra silence tolerated past timeoutSeconds before the watchdog aborts (ms). */
  inactivityGraceMs?: number;
  /** Inactivity limit override (ms); default timeoutSeconds*1000 + grace. */
  inactivityMs?: number;
  backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  /** Set on objects that arrive without them (a real API server omits both on list items). */
  apiVersion?: string;
  kind?: string;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

type EventHandler<T> = (type: InformerEventType, obj: T, old?: T) => void;
type StateHandler = (s: InformerState) => void;

const keyOf = (o: KubeObjectLike) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class Informer<T extends KubeObjectLike = KubeObjectLike> {
  private readonly cache = new Map<string, T>();
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly stateHandlers = new Set<StateHandler>();
  private stream?: LineStream;
  private timer?: unknown;
  private watchdog?: unknown;
  private failures = 0;
  private healthySince?: number;
  private stopped = false;
  private needRelist = true;
  private firstList = true;
  readonly state: InformerState = { phase: 'idle', connected: false, relists: 0, reconnects: 0, synced: false };
  private readonly o: Required<Omit<InformerOptions, 'labelSelector' | 'fieldSelector' | 'inactivityMs' | 'apiVersion' | 'kind'>> &
    Pick<InformerOptions, 'labelSelector' | 'fieldSelector' | 'inactivityMs' | 'apiVersion' | 'kind'>;

  constructor(
    private readonly kc: KubeConfig,
    opts: InformerOptions,
  ) {
    this.o = {
      pageSize: 500,
      timeoutSeconds: [300, 600],
      inactivityGraceMs: 30_000,
      backoff: { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000 },
      now: Date.now,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      ...opts,
    };
  }

  /** Current objects (never includes a deleted one). */
  list(): T[] {
    return [...this.cache.values()];
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  on(handler: EventHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onState(handler: StateHandler): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  start(): void {
    this.stopped = false;
    void this.cycle();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.abort('stopped');
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    if (this.watchdog !== undefined) this.o.clearTimer(this.watchdog);
    this.setState({ phase: 'stopped', connected: false });
  }

  private setState(patch: Partial<InformerState>): void {
    Object.assign(this.state, patch);
    for (const h of this.stateHandlers) h({ ...this.state });
  }

  private emit(type: InformerEventType, obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        console.error('informer handler failed:', err);
      }
    }
  }

  private typed(obj: T): T {
    if (this.o.kind && !obj.kind) obj.kind = this.o.kind;
    if (this.o.apiVersion && !obj.apiVersion) obj.apiVersion = this.o.apiVersion;
    return obj;
  }

  private async cycle(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.needRelist) await this.relist();
        await this.watch();
        // A clean close (timeoutSeconds reached): re-watch at once from the last RV.
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof KubeApiError && (err.statusCode === 410 || err.reason === 'Expired' || err.reason === 'Gone')) {
          this.needRelist = true;
          this.setState({ lastError: err.message });
          continue;
        }
        await this.backoff(err as Error);
      }
    }
  }

  private async backoff(err: Error): Promise<void> {
    const now = this.o.now();
    if (this.healthySince !== undefined && now - this.healthySince >= this.o.backoff.resetAfterMs) this.failures = 0;
    this.healthySince = undefined;
    const cap = Math.min(this.o.backoff.maxMs, this.o.backoff.initialMs * 2 ** this.failures);
    // Full jitter in [cap/2, cap): spreads reconnects but never hammers the server.
    const delay = cap / 2 + this.o.random() * (cap / 2);
    this.failures++;
    this.setState({
      phase: 'backoff',
      connected: false,
      lastError: err.message,
      retryingSince: this.state.retryingSince ?? now,
    });
    await new Promise<void>((resolve) => {
      this.timer = this.o.setTimer(resolve, delay);
    });
    this.timer = undefined;
    this.setState({ reconnects: this.state.reconnects + 1 });
  }

  private async relist(): Promise<void> {
    this.setState({ phase: 'listing' });
    // First list may be served from the watch cache ("0"); after a 410 a quorum read ("").
    const rv = this.firstList ? '0' : '';
    const seen = new Map<string, T>();
    let cont: string | undefined;
    let listRV = '';
    do {
      const { body } = await kubeJson<{ metadata: { resourceVersion: string; continue?: string }; items: T[] }>(this.kc, {
        path: this.o.path,
        query: {
          resourceVersion: cont ? undefined : rv,
          limit: this.o.pageSize,
          continue: cont,
          labelSelector: this.o.labelSelector,
          fieldSelector: this.o.fieldSelector,
        },
      });
      for (const item of body.items ?? []) seen.set(keyOf(item), this.typed(item));
      listRV = body.metadata?.resourceVersion ?? listRV;
      cont = body.metadata?.continue || undefined;
    } while (cont);
    // Replace the cache: emit what changed, and DELETED for what disappeared while we were away.
    for (const [k, old] of this.cache) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.emit('DELETED', old);
      }
    }
    for (const [k, obj] of seen) {
      const old = this.cache.get(k);
      this.cache.set(k, obj);
      if (!old) this.emit('ADDED', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('MODIFIED', obj, old);
    }
    if (!this.firstList) this.state.relists++;
    this.firstList = false;
    this.needRelist = false;
    this.setState({ resourceVersion: listRV, synced: true });
  }

  private watch(): Promise<void> {
    const [lo, hi] = this.o.timeoutSeconds;
    const timeoutSeconds = Math.floor(lo + this.o.random() * (hi - lo));
    const limit = this.o.inactivityMs ?? timeoutSeconds * 1000 + this.o.inactivityGraceMs;
    let expired: KubeApiError | undefined;
    const armWatchdog = () => {
      if (this.watchdog !== undefined) this.o.clearTimer(this.watchdog);
      this.watchdog = this.o.setTimer(() => this.stream?.abort(`no data from the API server for ${Math.round(limit / 1000)} s (half-open watch)`), limit);
    };
    const onBytes = () => {
      armWatchdog();
      const now = this.o.now();
      if (!this.state.connected) {
        this.healthySince = now;
        this.setState({ phase: 'watching', connected: true, retryingSince: undefined, lastError: undefined, lastEventAt: now });
      } else if (this.state.phase !== 'watching') {
        // A re-watch after a relist (410) or a clean timeout: connected all along.
        this.setState({ phase: 'watching', lastEventAt: now });
      } else this.state.lastEventAt = now;
    };
    const onLine = (line: string) => {
      let ev: { type: string; object: T & { code?: number; reason?: string; message?: string } };
      try {
        ev = JSON.parse(line);
      } catch {
        return; // a torn line cannot be applied; the next relist will repair the cache
      }
      const obj = ev.object;
      if (ev.type === 'ERROR') {
        const code = (obj as { code?: number }).code ?? 500;
        expired = new KubeApiError(code, obj as never, (obj as { message?: string }).message ?? 'watch error');
        this.stream?.abort(expired.message);
        return;
      }
      const rv = obj?.metadata?.resourceVersion;
      if (rv) this.state.resourceVersion = rv;
      if (ev.type === 'BOOKMARK') return;
      this.typed(obj);
      const k = keyOf(obj);
      const old = this.cache.get(k);
      if (ev.type === 'DELETED') {
        this.cache.delete(k);
        this.emit('DELETED', obj);
      } else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
        this.cache.set(k, obj);
        this.emit(old ? 'MODIFIED' : 'ADDED', obj, old);
      }
    };
    armWatchdog();
    const opened = this.o.now();
    this.stream = kubeLines(
      this.kc,
      {
        path: this.o.path,
        query: {
          watch: 1,
          resourceVersion: this.state.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          labelSelector: this.o.labelSelector,
          fieldSelector: this.o.fieldSelector,
        },
      },
      onLine,
      onBytes,
    );
    return this.stream.done.then(
      () => {
        if (this.watchdog !== undefined) this.o.clearTimer(this.watchdog);
        if (expired) throw expired;
        // client-go: a watch that ends in under a second with nothing received is an error.
        if (this.o.now() - opened < 1000 && !this.state.connected) throw new Error('very short watch');
      },
      (err: Error) => {
        if (this.watchdog !== undefined) this.o.clearTimer(this.watchdog);
        if (expired) throw expired;
        throw err;
      },
    );
  }
}
