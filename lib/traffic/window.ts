/**
 * Sliding windows of 1-second buckets, per key (a topology node id or an edge `source>target`):
 * request count, 5xx / 4xx / no-response counts, response-flag counts and a latency histogram.
 * Views over the last N seconds (1, 5, 15 minutes) merge the buckets. Time is a parameter: no
 * clock inside, so tests and replays are deterministic.
 */
import { addTo, bucketOf, newHistogram, quantile } from './histogram';

export interface Sample {
  /** Milliseconds since the epoch (the request's start time). */
  t: number;
  /** 0 when no response was sent. */
  status: number;
  /** `%DURATION%` in ms, when known. */
  durationMs?: number;
  /** Response-flag codes (`UH`, `NR`…). */
  flags?: readonly string[];
  /** false for TCP connections (status 0 is then not an error). */
  http?: boolean;
}

interface Cell {
  n: number;
  err5xx: number;
  err4xx: number;
  noResponse: number;
  hist: Uint32Array;
  min: number;
  max: number;
  flags?: Map<string, number>;
}

interface Slot {
  sec: number;
  cells: Map<string, Cell>;
  /** The cells of each stable key array seen this second (see `addLine`): one lookup per line. */
  groups: Map<readonly string[], Cell[]>;
}

/** Key arrays remembered per second at most (beyond it, lines look their cells up key by key). */
const MAX_GROUPS = 4_096;

export interface RateStats {
  /** Requests in the window. */
  n: number;
  /** Requests per second over the covered part of the window. */
  rps: number;
  /** Share of 5xx (and HTTP requests without a response), percent. */
  errorPct: number;
  /** Share of 4xx, percent. */
  clientErrorPct: number;
  p50?: number;
  p95?: number;
  p99?: number;
  /** Response-flag counts. */
  flags?: Record<string, number>;
}

export interface WindowView {
  /** Window length asked for, seconds. */
  seconds: number;
  /** Seconds of it the window has observed (rates divide by this). */
  covered: number;
  stats: Map<string, RateStats>;
}

const newCell = (): Cell => ({ n: 0, err5xx: 0, err4xx: 0, noResponse: 0, hist: newHistogram(), min: Infinity, max: -Infinity });

export class TrafficWindow {
  private readonly slots: Array<Slot | undefined>;
  private latestSec = -Infinity;
  private firstSec = Infinity;
  /** Samples older than the longest window when they arrived (not counted). */
  tooOld = 0;

  constructor(readonly maxSeconds = 900) {
    this.slots = new Array<Slot | undefined>(maxSeconds);
  }

  /** Counts one request under every key given (its pod, route, service, subset, edges…). */
  add(keys: readonly string[], s: Sample): void {
    this.count(keys, false, s.t, s.status, s.durationMs, s.flags, s.http !== false);
  }

  /**
   * `add` for the per-line path, without a Sample object: `keys` must be the same array object
   * every time for the same keys and never change (the aggregator caches one per attribution), so
   * its cells are looked up once per second instead of once per key and line.
   */
  addLine(keys: readonly string[], t: number, status: number, durationMs: number | undefined, flags: readonly string[] | undefined, http: boolean): void {
    this.count(keys, true, t, status, durationMs, flags, http);
  }

  private count(keys: readonly string[], stable: boolean, t: number, status: number, durationMs: number | undefined, flags: readonly string[] | undefined, http: boolean): void {
    const sec = Math.floor(t / 1000);
    if (!Number.isFinite(sec)) return;
    if (sec <= this.latestSec - this.maxSeconds) {
      this.tooOld++;
      return;
    }
    if (sec > this.latestSec) this.latestSec = sec;
    if (sec < this.firstSec) this.firstSec = sec;
    const i = ((sec % this.maxSeconds) + this.maxSeconds) % this.maxSeconds;
    let slot = this.slots[i];
    if (!slot || slot.sec !== sec) this.slots[i] = slot = { sec, cells: new Map(), groups: new Map() };
    let cells = stable ? slot.groups.get(keys) : undefined;
    if (!cells) {
      cells = new Array<Cell>(keys.length);
      for (let k = 0; k < keys.length; k++) {
        let c = slot.cells.get(keys[k]!);
        if (!c) slot.cells.set(keys[k]!, (c = newCell()));
        cells[k] = c;
      }
      if (stable && slot.groups.size < MAX_GROUPS) slot.groups.set(keys, cells);
    }
    const is5xx = status >= 500 || (status === 0 && http);
    const is4xx = !is5xx && status >= 400 && status < 500;
    const noResponse = status === 0;
    const bucket = durationMs === undefined ? -1 : bucketOf(durationMs);
    const hasFlags = flags !== undefined && flags.length > 0;
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k]!;
      c.n++;
      if (is5xx) c.err5xx++;
      else if (is4xx) c.err4xx++;
      if (noResponse) c.noResponse++;
      if (bucket >= 0) {
        c.hist[bucket]!++;
        if (durationMs! < c.min) c.min = durationMs!;
        if (durationMs! > c.max) c.max = durationMs!;
      }
      if (hasFlags) {
        c.flags ??= new Map();
        for (const f of flags) c.flags.set(f, (c.flags.get(f) ?? 0) + 1);
      }
    }
  }

  /** Aggregates of every key over the last `seconds` seconds ending at `nowMs`. */
  view(nowMs: number, seconds: number, only?: (key: string) => boolean): WindowView {
    const nowSec = Math.floor(nowMs / 1000);
    const span = Math.min(seconds, this.maxSeconds);
    const from = nowSec - span + 1;
    const merged = new Map<string, Cell>();
    for (let sec = from; sec <= nowSec; sec++) {
      const slot = this.slots[((sec % this.maxSeconds) + this.maxSeconds) % this.maxSeconds];
      if (!slot || slot.sec !== sec) continue;
      for (const [k, c] of slot.cells) {
        if (only && !only(k)) continue;
        let m = merged.get(k);
        if (!m) merged.set(k, (m = newCell()));
        m.n += c.n;
        m.err5xx += c.err5xx;
        m.err4xx += c.err4xx;
        m.noResponse += c.noResponse;
        addTo(m.hist, c.hist);
        if (c.min < m.min) m.min = c.min;
        if (c.max > m.max) m.max = c.max;
        if (c.flags) {
          m.flags ??= new Map();
          for (const [f, n] of c.flags) m.flags.set(f, (m.flags.get(f) ?? 0) + n);
        }
      }
    }
    const covered = Number.isFinite(this.firstSec) ? Math.max(1, Math.min(span, nowSec - this.firstSec + 1)) : span;
    const stats = new Map<string, RateStats>();
    for (const [k, c] of merged) stats.set(k, toStats(c, covered));
    return { seconds: span, covered, stats };
  }

  /** Requests per `step`-second bucket of each key, oldest first, over the last `seconds`. */
  series(nowMs: number, seconds: number, step: number, keys: readonly string[]): Record<string, number[]> {
    const nowSec = Math.floor(nowMs / 1000);
    const span = Math.min(seconds, this.maxSeconds);
    const points = Math.ceil(span / step);
    const from = nowSec - points * step + 1;
    const out: Record<string, number[]> = {};
    for (const k of keys) out[k] = new Array<number>(points).fill(0);
    for (let sec = Math.max(from, nowSec - this.maxSeconds + 1); sec <= nowSec; sec++) {
      const slot = this.slots[((sec % this.maxSeconds) + this.maxSeconds) % this.maxSeconds];
      if (!slot || slot.sec !== sec) continue;
      const p = Math.floor((sec - from) / step);
      for (const k of keys) {
        const c = slot.cells.get(k);
        if (c) out[k]![p]! += c.n;
      }
    }
    return out;
  }
}

function toStats(c: Cell, covered: number): RateStats {
  const timed = c.hist.reduce((a, b) => a + b, 0);
  const pct = (x: number) => (c.n ? Math.round((x / c.n) * 1000) / 10 : 0);
  const out: RateStats = { n: c.n, rps: Math.round((c.n / covered) * 100) / 100, errorPct: pct(c.err5xx), clientErrorPct: pct(c.err4xx) };
  if (timed > 0) {
    out.p50 = quantile(c.hist, timed, 0.5, c.min, c.max);
    out.p95 = quantile(c.hist, timed, 0.95, c.min, c.max);
    out.p99 = quantile(c.hist, timed, 0.99, c.min, c.max);
  }
  if (c.flags?.size) out.flags = Object.fromEntries([...c.flags].sort((a, b) => b[1] - a[1]));
  return out;
}
