/**
 * A route's observed split counted only after a moment (a configuration change), from the
 * per-step series of its snapshot: the window's `observed` still mixes in the requests routed by
 * the old weights, these counts do not. Only steps that start at or after the moment count (the
 * step the change fell in is left out), so nothing routed before it is in them.
 *
 * @example
 *   observedSince(split, snapshot.at, snapshot.seconds, changedAt)
 *   // { from: 1767000012000, n: 612, destinations: [{ n: 301, observed: 49.2 }, { n: 311, observed: 50.8 }] }
 */
import type { RouteSplit } from './aggregate';

export interface ObservedSince {
  /** Start of the first step counted, ms since the epoch. */
  from: number;
  n: number;
  /** Same order as the split's destinations; `observed` in percent, one decimal (undefined with no request). */
  destinations: Array<{ n: number; observed?: number }>;
}

/**
 * Requests per destination in the steps of `split.series` that start at or after `sinceMs`, for
 * the snapshot that ends at `at` (ms) and spans `seconds` (lib/traffic/window `series`: the last
 * step ends with the second of `at`). Undefined without a series or when no step starts after
 * `sinceMs` inside the window.
 */
export function observedSince(split: Pick<RouteSplit, 'series'>, at: number, seconds: number, sinceMs: number): ObservedSince | undefined {
  const series = split.series;
  const points = series?.points[0]?.length ?? 0;
  if (!series || points === 0) return undefined;
  const step = series.step;
  const nowSec = Math.floor(at / 1000);
  const fromSec = nowSec - points * step + 1;
  // First step whose start second is at or after the moment.
  const first = Math.max(0, Math.ceil((Math.ceil(sinceMs / 1000) - fromSec) / step));
  if (first >= points) return undefined;
  const counts = series.points.map((p) => p.slice(first).reduce((a, b) => a + b, 0));
  const n = counts.reduce((a, b) => a + b, 0);
  return {
    from: (fromSec + first * step) * 1000,
    n,
    destinations: counts.map((c) => (n > 0 ? { n: c, observed: Math.round((c / n) * 1000) / 10 } : { n: c })),
  };
}
