/**
 * Garbage collection by ownerReferences, as kube-controller-manager's garbage collector does it,
 * for every deletion in the store (REST clients and the sandbox's own controllers alike):
 *
 * - Background: once an owner is gone, dependents whose owners are all gone are deleted (and
 *   their dependents in turn); a dependent with a surviving owner just loses the dead reference.
 * - Foreground: an owner carrying `deletionTimestamp` + the `foregroundDeletion` finalizer first
 *   has its dependents deleted (foreground too), then loses the finalizer and goes away.
 * - Orphan: `orphan()` strips the owner's references from its dependents before it is deleted.
 *
 * Work runs on `setImmediate`, never inside the store's event delivery.
 */
import type { Registry } from './registry';
import { isoSeconds, StoreError, type ResourceKey, type Store, type StoredObject, type StoreEvent, type Watcher } from './store';

interface Ref {
  key: ResourceKey;
  namespace?: string;
  name: string;
}

const FOREGROUND = 'foregroundDeletion';
const refId = (r: Ref) => `${r.key}\n${r.namespace ?? ''}\n${r.name}`;

export class GarbageCollector {
  private readonly dependents = new Map<string, Set<string>>(); // owner uid → dependent ids
  private readonly refs = new Map<string, Ref>(); // dependent id → ref
  private readonly owners = new Map<string, string[]>(); // dependent id → owner uids
  private readonly uids = new Map<string, Ref>(); // uid → ref of a live object
  private readonly queue = new Set<string>(); // owner uids to look at
  private scheduled = false;
  private readonly sub: Watcher;
  private stopped = false;

  constructor(private readonly store: Store, private readonly reg: Registry) {
    for (const r of reg.resources) {
      if (r.virtual) continue;
      for (const o of store.peek(r.key)) this.index(r.key, o);
    }
    this.sub = store.subscribe('*', (ev) => this.onEvent(ev));
  }

  stop(): void {
    this.stopped = true;
    this.sub.stop();
  }

  /** Removes references to `ownerUid` from its dependents (propagationPolicy=Orphan). */
  orphan(ownerUid: string): void {
    for (const id of [...(this.dependents.get(ownerUid) ?? [])]) {
      const ref = this.refs.get(id);
      if (!ref) continue;
      this.tryWrite(() =>
        this.store.mutate(ref.key, ref.namespace, ref.name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((x) => x.uid !== ownerUid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        }),
      );
    }
  }

  /** Looks at an owner again soon (after it was marked for foreground deletion). */
  kick(uid: string): void {
    this.queue.add(uid);
    this.schedule();
  }

  private index(key: ResourceKey, o: StoredObject): void {
    const ref: Ref = { key, namespace: o.metadata.namespace, name: o.metadata.name };
    const id = refId(ref);
    if (o.metadata.uid) this.uids.set(o.metadata.uid, ref);
    this.unindexOwners(id);
    const ownerUids = (o.metadata.ownerReferences ?? []).map((x) => x.uid).filter(Boolean);
    if (ownerUids.length) {
      this.refs.set(id, ref);
      this.owners.set(id, ownerUids);
      for (const u of ownerUids) {
        let set = this.dependents.get(u);
        if (!set) this.dependents.set(u, (set = new Set()));
        set.add(id);
      }
    }
  }

  private unindexOwners(id: string): void {
    for (const u of this.owners.get(id) ?? []) {
      const set = this.dependents.get(u);
      set?.delete(id);
      if (set && set.size === 0) this.dependents.delete(u);
    }
    this.owners.delete(id);
    this.refs.delete(id);
  }

  private onEvent(ev: StoreEvent): void {
    if (this.stopped) return;
    const o = ev.object;
    if (ev.type === 'DELETED') {
      const id = refId({ key: ev.resource, namespace: o.metadata.namespace, name: o.metadata.name });
      const ownerUids = this.owners.get(id) ?? [];
      this.unindexOwners(id);
      if (o.metadata.uid) this.uids.delete(o.metadata.uid);
      if (o.metadata.uid && this.dependents.has(o.metadata.uid)) this.queue.add(o.metadata.uid);
      // A dependent went away: an owner waiting in foreground deletion may now finish.
      for (const u of ownerUids) this.queue.add(u);
    } else {
      this.index(ev.resource, o);
      if (o.metadata.deletionTimestamp && o.metadata.finalizers?.includes(FOREGROUND) && o.metadata.uid) this.queue.add(o.metadata.uid);
    }
    if (this.queue.size) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      const uids = [...this.queue];
      this.queue.clear();
      for (const u of uids) this.process(u);
      if (this.queue.size) this.schedule();
    });
  }

  private get(ref: Ref): StoredObject | undefined {
    return this.store.get(ref.key, ref.namespace, ref.name);
  }

  private process(uid: string): void {
    const ownerRef = this.uids.get(uid);
    const owner = ownerRef ? this.get(ownerRef) : undefined;
    const deps = [...(this.dependents.get(uid) ?? [])];
    if (!owner || owner.metadata.uid !== uid) {
      // The owner is gone: background-delete dependents that have no other live owner.
      for (const id of deps) {
        const ref = this.refs.get(id);
        if (!ref) continue;
        const dep = this.get(ref);
        if (!dep) continue;
        const live = (dep.metadata.ownerReferences ?? []).filter((x) => x.uid !== uid && this.uids.has(x.uid));
        if (live.length === 0) this.tryWrite(() => this.store.delete(ref.key, ref.namespace, ref.name));
        else this.tryWrite(() => this.store.mutate(ref.key, ref.namespace, ref.name, (o) => void (o.metadata.ownerReferences = live)));
      }
      return;
    }
    if (!owner.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes(FOREGROUND)) return;
    const remaining = deps.filter((id) => {
      const ref = this.refs.get(id);
      return ref ? this.get(ref) !== undefined : false;
    });
    for (const id of remaining) {
      const ref = this.refs.get(id)!;
      const dep = this.get(ref)!;
      if (dep.metadata.deletionTimestamp) continue;
      if (dep.metadata.uid && this.dependents.has(dep.metadata.uid)) this.markForeground(ref);
      else this.tryWrite(() => this.store.delete(ref.key, ref.namespace, ref.name));
    }
    if (remaining.length === 0) {
      // All dependents gone: drop the finalizer; with no finalizers left the owner is deleted.
      const after = this.tryWrite(() =>
        this.store.mutate(ownerRef!.key, ownerRef!.namespace, ownerRef!.name, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
          if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
        }),
      );
      if (after && !after.metadata.finalizers?.length) this.tryWrite(() => this.store.delete(ownerRef!.key, ownerRef!.namespace, ownerRef!.name));
    }
  }

  /** Marks an object for foreground deletion (deletionTimestamp + finalizer). */
  markForeground(ref: Ref, now = new Date()): StoredObject | undefined {
    return this.tryWrite(() =>
      this.store.mutate(ref.key, ref.namespace, ref.name, (o) => {
        o.metadata.deletionTimestamp ??= isoSeconds(now);
        o.metadata['deletionGracePeriodSeconds'] = 0;
        const f = o.metadata.finalizers ?? [];
        if (!f.includes(FOREGROUND)) o.metadata.finalizers = [...f, FOREGROUND];
      }),
    );
  }

  private tryWrite<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StoreError) return undefined; // gone or changed meanwhile: the next event retries
      throw e;
    }
  }
}
