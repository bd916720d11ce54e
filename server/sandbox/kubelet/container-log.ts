/**
 * One container instance's stdout log, as the kubelet keeps it in /var/log/pods/…/0.log: a bounded
 * ring of lines, each with an RFC3339Nano timestamp (9 fractional digits, as kubelet's
 * `timeFormatOut`), readable from a point and followable until the container stops.
 *
 * Fault switches mirror what goes wrong on real nodes: `rotate()` drops what was written so far
 * (a rotated-away file: later non-follow reads see only newer lines, open follows continue without
 * loss, as kubelet after PR #115702), `cutFollowers()` ends every open follow once (a network cut
 * or an apiserver restart).
 */

export interface LogLine {
  /** Monotonic per log, for resuming followers. */
  readonly seq: number;
  /** Nanoseconds since the epoch. */
  readonly ns: bigint;
  /** RFC3339 with 9 fractional digits, UTC (`2026-11-22T23:40:01.123456789Z`). */
  readonly ts: string;
  readonly text: string;
}

export interface LogReadOptions {
  /** Only the last N lines (applied after `sinceNs`). */
  tailLines?: number;
  /** Only lines at or after this time (ns since the epoch). */
  sinceNs?: bigint;
}

export interface LogFollower {
  /** Called for every new line. */
  line(l: LogLine): void;
  /** Called once when the follow ends: `stopped` (container gone) or `cut` (fault switch). */
  end(why: 'stopped' | 'cut'): void;
}

export function formatTimestamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** Parses RFC3339 / RFC3339Nano (any fraction length) into ns since the epoch; undefined when invalid. */
export function parseTimestamp(s: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

let lastClockNs = 0n;
/** Wall clock in ns, strictly increasing within the process (sub-millisecond part from hrtime). */
export function nowNs(): bigint {
  const wall = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastClockNs = wall > lastClockNs ? wall : lastClockNs + 1n;
  return lastClockNs;
}

export class ContainerLog {
  private lines: LogLine[] = [];
  private head = 0; // index of the oldest line in `lines` (ring)
  private seq = 0;
  private readonly followers = new Set<LogFollower>();
  private ended = false;

  constructor(
    private readonly maxLines = 5_000,
    private readonly clock: () => bigint = nowNs,
  ) {}

  get stopped(): boolean {
    return this.ended;
  }

  get size(): number {
    return this.lines.length;
  }

  append(text: string): void {
    if (this.ended) return;
    // One entry per line, as the container runtime splits stdout on newlines.
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    for (const part of body.split('\n')) {
      const ns = this.clock();
      const l: LogLine = { seq: ++this.seq, ns, ts: formatTimestamp(ns), text: part };
      if (this.lines.length < this.maxLines) this.lines.push(l);
      else {
        this.lines[this.head] = l;
        this.head = (this.head + 1) % this.maxLines;
      }
      for (const f of [...this.followers]) f.line(l);
    }
  }

  /** Lines in order, filtered by `sinceNs` then cut to the last `tailLines`. */
  read(opts: LogReadOptions = {}): LogLine[] {
    const ordered = this.head === 0 ? [...this.lines] : [...this.lines.slice(this.head), ...this.lines.slice(0, this.head)];
    let out = opts.sinceNs !== undefined ? ordered.filter((l) => l.ns >= opts.sinceNs!) : ordered;
    if (opts.tailLines !== undefined && opts.tailLines >= 0) out = opts.tailLines === 0 ? [] : out.slice(-opts.tailLines);
    return out;
  }

  /** Follow new lines; returns the unsubscribe function. A stopped log ends the follower at once. */
  follow(f: LogFollower): () => void {
    if (this.ended) {
      queueMicrotask(() => f.end('stopped'));
      return () => {};
    }
    this.followers.add(f);
    return () => this.followers.delete(f);
  }

  /** Fault: the file was rotated away. Followers keep going; later reads start after this point. */
  rotate(): void {
    this.lines = [];
    this.head = 0;
  }

  /** Fault: end every open follow once (the log itself goes on). */
  cutFollowers(): number {
    const fs = [...this.followers];
    this.followers.clear();
    for (const f of fs) f.end('cut');
    return fs.length;
  }

  /** The container stopped: no more lines, followers end. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    const fs = [...this.followers];
    this.followers.clear();
    for (const f of fs) f.end('stopped');
  }
}
