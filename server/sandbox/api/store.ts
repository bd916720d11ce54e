/**
 * The sandbox's object store: an in-memory etcd + watch cache.
 *
 * - One global, monotonically increasing resourceVersion (as etcd's revision); every write bumps it.
 * - Objects are stored per resource (`group/plural`, core group as `core/pods`) in their storage
 *   version; the REST layer converts apiVersion on the way out.
 * - A bounded history of events serves watches that start at an exact resourceVersion; a watch from
 *   a resourceVersion older than the retained window gets `Expired` (the REST layer turns it into the
 *   410 ERROR event inside a 200 stream, as kube-apiserver does).
 * - `compact()` drops the history (a fault switch for tests of the 410 path).
 *
 * Writers are the REST layer (for clients) and the controllers (for the sandbox's own behaviour);
 * both see the same semantics: optimistic concurrency on resourceVersion, dry-run that touches
 * nothing and emits nothing.
 */
import { randomUUID } from 'node:crypto';

export type ResourceKey = string; // `${group || 'core'}/${plural}`, e.g. 'core/pods', 'networking.istio.io/virtualservices'

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    finalizers?: string[];
    managedFields?: unknown[];
    generateName?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceKey;
  object: StoredObject;
  /** resourceVersion of this event (the object's for ADDED/MODIFIED, the deletion revision for DELETED). */
  rv: number;
}

export class StoreError extends Error {
  constructor(
    readonly code: 404 | 409 | 410 | 422 | 400,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Invalid' | 'BadRequest',
    message: string,
  ) {
    super(message);
  }
}

export interface WriteOptions {
  dryRun?: boolean;
}

export interface WatchOptions {
  namespace?: string;
  /** Start after this resourceVersion (exclusive). Undefined: only future events. */
  fromRV?: number;
}

export interface Watcher {
  stop(): void;
}

type Listener = (ev: StoreEvent) => void;

const objKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export interface StoreOptions {
  /** How many events the watch history keeps (kube-apiserver keeps ~75 s or 100+ events per type). */
  historySize?: number;
  now?: () => Date;
}

export class Store {
  private rev = 1;
  private readonly data = new Map<ResourceKey, Map<string, StoredObject>>();
  private history: StoreEvent[] = [];
  /** Oldest resourceVersion a watch may start from (exclusive lower bound is this minus one). */
  private compactedRV = 1;
  private readonly listeners = new Map<ResourceKey, Set<Listener>>();
  private readonly anyListeners = new Set<Listener>();
  private readonly historySize: number;
  private readonly now: () => Date;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 20_000;
    this.now = opts.now ?? (() => new Date());
  }

  /** The current revision (what a list returns as metadata.resourceVersion). */
  get resourceVersion(): number {
    return this.rev;
  }

  /**
   * The oldest resourceVersion a watch (or a list continuation) may still start from; anything
   * older gets 410 Expired.
   */
  get oldestResourceVersion(): number {
    return this.compactedRV - 1;
  }

  private bucket(resource: ResourceKey): Map<string, StoredObject> {
    let b = this.data.get(resource);
    if (!b) {
      b = new Map();
      this.data.set(resource, b);
    }
    return b;
  }

  get(resource: ResourceKey, namespace: string | undefined, name: string): StoredObject | undefined {
    const o = this.data.get(resource)?.get(objKey(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Objects of one resource (all namespaces when namespace is undefined), sorted by namespace/name. */
  list(resource: ResourceKey, namespace?: string): { items: StoredObject[]; resourceVersion: number } {
    const b = this.data.get(resource);
    const items: StoredObject[] = [];
    if (b) {
      const keys = [...b.keys()].sort();
      for (const k of keys) {
        const o = b.get(k)!;
        if (namespace === undefined || o.metadata.namespace === namespace) items.push(structuredClone(o));
      }
    }
    return { items, resourceVersion: this.rev };
  }

  /** Same as list but without cloning: for hot read paths that promise not to mutate. */
  peek(resource: ResourceKey): Iterable<StoredObject> {
    return this.data.get(resource)?.values() ?? [];
  }

  count(resource: ResourceKey): number {
    return this.data.get(resource)?.size ?? 0;
  }

  create(resource: ResourceKey, obj: StoredObject, opts: WriteOptions = {}): StoredObject {
    const b = this.bucket(resource);
    const o = structuredClone(obj);
    if (!o.metadata.name && o.metadata.generateName) {
      do {
        o.metadata.name = o.metadata.generateName + randomSuffix(5);
      } while (b.has(objKey(o.metadata.namespace, o.metadata.name)));
    }
    if (!o.metadata.name) throw new StoreError(422, 'Invalid', 'name or generateName is required');
    const k = objKey(o.metadata.namespace, o.metadata.name);
    if (b.has(k)) {
      throw new StoreError(409, 'AlreadyExists', `${resourceLabel(resource)} "${o.metadata.name}" already exists`);
    }
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = isoSeconds(this.now());
    o.metadata.generation = 1;
    delete o.metadata.deletionTimestamp;
    if (opts.dryRun) {
      o.metadata.resourceVersion = undefined;
      delete o.metadata.resourceVersion;
      return o;
    }
    const rv = ++this.rev;
    o.metadata.resourceVersion = String(rv);
    b.set(k, o);
    this.emit({ type: 'ADDED', resource, object: o, rv });
    return structuredClone(o);
  }

  /**
   * Replaces an object. When `obj.metadata.resourceVersion` is set it must equal the stored one
   * (409 Conflict otherwise), as a PUT with a resourceVersion precondition does.
   * `generation` is bumped when anything but metadata and status changed.
   */
  update(resource: ResourceKey, obj: StoredObject, opts: WriteOptions = {}): StoredObject {
    const b = this.bucket(resource);
    const k = objKey(obj.metadata.namespace, obj.metadata.name);
    const cur = b.get(k);
    if (!cur) throw new StoreError(404, 'NotFound', `${resourceLabel(resource)} "${obj.metadata.name}" not found`);
    const wanted = obj.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== cur.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resourceLabel(resource)} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const o = structuredClone(obj);
    o.metadata.uid = cur.metadata.uid;
    o.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    o.metadata.generation = cur.metadata.generation ?? 1;
    if (cur.metadata.deletionTimestamp) o.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    if (specChanged(cur, o)) o.metadata.generation += 1;
    if (isUnchanged(cur, o)) {
      // A no-op write does not bump the resourceVersion nor emit an event (as etcd3 storage).
      return structuredClone(cur);
    }
    if (opts.dryRun) {
      o.metadata.resourceVersion = cur.metadata.resourceVersion;
      return o;
    }
    const rv = ++this.rev;
    o.metadata.resourceVersion = String(rv);
    b.set(k, o);
    this.emit({ type: 'MODIFIED', resource, object: o, rv });
    return structuredClone(o);
  }

  /** Read-modify-write with retries, for controllers. Returns undefined when the object is gone. */
  mutate(
    resource: ResourceKey,
    namespace: string | undefined,
    name: string,
    fn: (o: StoredObject) => StoredObject | void,
  ): StoredObject | undefined {
    const cur = this.get(resource, namespace, name);
    if (!cur) return undefined;
    const next = fn(cur) ?? cur;
    return this.update(resource, next);
  }

  delete(
    resource: ResourceKey,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions & { uid?: string; resourceVersion?: string } = {},
  ): StoredObject {
    const b = this.bucket(resource);
    const k = objKey(namespace, name);
    const cur = b.get(k);
    if (!cur) throw new StoreError(404, 'NotFound', `${resourceLabel(resource)} "${name}" not found`);
    if (opts.uid && opts.uid !== cur.metadata.uid) {
      throw new StoreError(409, 'Conflict', `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${cur.metadata.uid}`);
    }
    if (opts.resourceVersion && opts.resourceVersion !== cur.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${opts.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return structuredClone(cur);
    b.delete(k);
    const rv = ++this.rev;
    const gone = structuredClone(cur);
    gone.metadata.resourceVersion = String(rv);
    this.emit({ type: 'DELETED', resource, object: gone, rv });
    return structuredClone(gone);
  }

  /**
   * Events of `resource` after `fromRV` (exclusive) still in history, or a StoreError 410 when
   * history no longer reaches back that far.
   */
  eventsSince(resource: ResourceKey, fromRV: number, namespace?: string): StoreEvent[] {
    if (fromRV < this.compactedRV - 1) {
      throw new StoreError(410, 'Expired', `too old resource version: ${fromRV} (${this.compactedRV - 1})`);
    }
    if (fromRV > this.rev) {
      // kube-apiserver waits a few seconds then answers "Too large resource version"; we answer at once.
      throw new StoreError(
        410,
        'Expired',
        `Timeout: Too large resource version: ${fromRV}, current: ${this.rev}`,
      );
    }
    const out: StoreEvent[] = [];
    // History is ordered by rv: binary search the first event after fromRV.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= fromRV) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) {
      const ev = this.history[i]!;
      if (ev.resource !== resource) continue;
      if (namespace !== undefined && ev.object.metadata.namespace !== namespace) continue;
      out.push(ev);
    }
    return out;
  }

  /** Subscribe to future events of one resource (or all resources with '*'). */
  subscribe(resource: ResourceKey | '*', fn: Listener): Watcher {
    if (resource === '*') {
      this.anyListeners.add(fn);
      return { stop: () => this.anyListeners.delete(fn) };
    }
    let set = this.listeners.get(resource);
    if (!set) {
      set = new Set();
      this.listeners.set(resource, set);
    }
    set.add(fn);
    return { stop: () => set!.delete(fn) };
  }

  /** Fault switch: forget all history, so any watch resuming from an older RV gets 410 Expired. */
  compact(): void {
    this.history = [];
    this.compactedRV = this.rev + 1;
  }

  private emit(ev: StoreEvent): void {
    this.history.push(ev);
    if (this.history.length > this.historySize) {
      const drop = this.history.length - this.historySize;
      this.compactedRV = this.history[drop - 1]!.rv + 1;
      this.history.splice(0, drop);
    }
    for (const fn of this.listeners.get(ev.resource) ?? []) safeCall(fn, ev);
    for (const fn of this.anyListeners) safeCall(fn, ev);
  }
}

function safeCall(fn: Listener, ev: StoreEvent): void {
  try {
    fn(ev);
  } catch (err) {
    // A broken subscriber must never break the write that notified it.
    console.error('sandbox store listener failed:', err);
  }
}

function resourceLabel(resource: ResourceKey): string {
  const [group, plural] = resource.split('/');
  return group === 'core' ? plural! : `${plural}.${group}`;
}

function specChanged(a: StoredObject, b: StoredObject): boolean {
  const strip = (o: StoredObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(a) !== strip(b);
}

function isUnchanged(a: StoredObject, b: StoredObject): boolean {
  const norm = (o: StoredObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return norm(a) === norm(b);
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
