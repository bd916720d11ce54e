/**
 * core/v1 Events for what the sandbox's controllers and kubelet do (ScalingReplicaSet,
 * SuccessfulCreate, Scheduled, Pulled, Created, Started, Killing…), as `kubectl describe` and
 * `kubectl get events` show them on a cluster.
 *
 * Like client-go's recorder, repeats of the same (object, reason, message) within the window are
 * folded into one Event with `count` and `lastTimestamp`. Events are bounded: past `maxEvents`
 * the oldest are deleted (the apiserver's event TTL, in count instead of time).
 * Writes are deferred to a later tick: callers are often inside a store listener, and a write
 * there would deliver the new event to later listeners before the one being dispatched.
 */
import { randomBytes } from 'node:crypto';
import { isoSeconds, type Store, type StoredObject } from '../api/store';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventRecorder {
  record(involved: StoredObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void;
}

interface Pending {
  involved: StoredObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: EventSource;
  fieldPath?: string;
  at: Date;
}

export class StoreEventRecorder implements EventRecorder {
  private queue: Pending[] = [];
  private timer: NodeJS.Immediate | undefined;
  /** aggregation key → event namespace/name; insertion order = age. */
  private readonly recent = new Map<string, { ns: string; name: string }>();
  private readonly names: Array<{ ns: string; name: string }> = [];
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: { maxEvents?: number; now?: () => Date } = {},
  ) {}

  record(involved: StoredObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    if (this.closed) return;
    this.queue.push({ involved, type, reason, message, source, fieldPath, at: (this.opts.now ?? (() => new Date()))() });
    this.timer ??= setImmediate(() => this.flush());
  }

  /** Writes what is queued now (tests call it to avoid waiting a tick). */
  flush(): void {
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    for (const p of batch) {
      try {
        this.write(p);
      } catch {
        // The namespace may be gone, or the store closed: events are best effort, as on a cluster.
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private write(p: Pending): void {
    const ns = p.involved.metadata.namespace ?? 'default';
    const ts = isoSeconds(p.at);
    const key = [p.involved.metadata.uid, p.reason, p.message, p.source.component, p.fieldPath ?? ''].join('\u0000');
    const seen = this.recent.get(key);
    if (seen) {
      const updated = this.store.mutate('core/events', seen.ns, seen.name, (e) => {
        e['count'] = ((e['count'] as number | undefined) ?? 1) + 1;
        e['lastTimestamp'] = ts;
      });
      if (updated) return;
      this.recent.delete(key);
    }
    const apiVersion = p.involved.apiVersion;
    const name = `${p.involved.metadata.name}.${randomBytes(8).toString('hex')}`;
    const ev: StoredObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: p.involved.kind,
        namespace: p.involved.metadata.namespace,
        name: p.involved.metadata.name,
        uid: p.involved.metadata.uid,
        apiVersion,
        resourceVersion: p.involved.metadata.resourceVersion,
        ...(p.fieldPath ? { fieldPath: p.fieldPath } : {}),
      },
      reason: p.reason,
      message: p.message,
      source: { component: p.source.component, ...(p.source.host ? { host: p.source.host } : {}) },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type: p.type,
      eventTime: null,
      reportingComponent: p.source.component,
      reportingInstance: p.source.host ?? '',
    };
    this.store.create('core/events', ev);
    this.recent.set(key, { ns, name });
    this.names.push({ ns, name });
    const max = this.opts.maxEvents ?? 1_000;
    while (this.names.length > max) {
      const old = this.names.shift()!;
      try {
        this.store.delete('core/events', old.ns, old.name);
      } catch {
        // already gone (namespace deleted, or deleted by a client)
      }
      for (const [k, v] of this.recent) {
        if (v.ns === old.ns && v.name === old.name) {
          this.recent.delete(k);
          break;
        }
      }
    }
    if (this.recent.size > max) {
      const first = this.recent.keys().next().value;
      if (first !== undefined) this.recent.delete(first);
    }
  }
}

/** A recorder that drops everything (unit tests that do not look at events). */
export const noEvents: EventRecorder = { record() {} };
