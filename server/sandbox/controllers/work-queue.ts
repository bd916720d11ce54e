/**
 * A keyed work queue for controllers (client-go's workqueue in miniature): a key added many times
 * before it is processed is processed once; processing happens on a later tick (never inside the
 * store listener that noticed the change); a failing key is retried with back-off, a few times.
 */
import { StoreError } from '../api/store';

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private tick: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly process: (key: string) => void,
    private readonly maxRetries = 8,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    this.tick ??= setImmediate(() => this.drain());
  }

  /** Adds `key` after `ms` (kept if a sooner add happens meanwhile). */
  addAfter(key: string, ms: number): void {
    if (this.closed || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  private drain(): void {
    this.tick = undefined;
    if (this.closed) return;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      try {
        this.process(key);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        if (n > this.maxRetries) {
          this.failures.delete(key);
          console.error(`sandbox ${this.name} controller: giving up on ${key}:`, err);
          continue;
        }
        // A conflict means someone wrote in between: retry soon. Anything else: back off.
        const conflict = err instanceof StoreError && err.code === 409;
        this.addAfter(key, conflict ? 5 : Math.min(2_000, 50 * 2 ** n));
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.tick) clearImmediate(this.tick);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}

export const keyOf = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;
export const splitKey = (key: string): [string | undefined, string] => {
  const i = key.indexOf('/');
  const ns = key.slice(0, i);
  return [ns === '' ? undefined : ns, key.slice(i + 1)];
};
