/**
 * Geometry of the Traffic page's history charts (SVG coordinates, no React): the observed split as
 * stacked shares per destination, broken where Prometheus has no request, and line paths for the
 * request rate and the 5xx share.
 *
 * @example
 *   shareAreas(history.rates, 560, 120)   // per destination: polygons ('x,y x,y …') per run of points with requests
 *   linePath(history.total, 560, 80, 12)  // 'M0,80L4.7,61…' ('M' again after a gap)
 */

/** x of point i of n across `width`. */
const xOf = (i: number, n: number, width: number) => (n <= 1 ? width : (i / (n - 1)) * width);
const round = (v: number) => Math.round(v * 10) / 10;

/**
 * Stacked shares (percent, 0 at the bottom) of each series per point, as polygons: one list per
 * series, one polygon per run of consecutive points where the series' sum is above 0. A single
 * point run is drawn one step wide.
 */
export function shareAreas(rates: ReadonlyArray<ReadonlyArray<number | null>>, width: number, height: number): string[][] {
  const n = rates[0]?.length ?? 0;
  const totals = Array.from({ length: n }, (_, i) => rates.reduce((a, r) => a + (r[i] ?? 0), 0));
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (!(totals[i]! > 0)) continue;
    const from = i;
    while (i + 1 < n && totals[i + 1]! > 0) i++;
    runs.push([from, i]);
  }
  const y = (pct: number) => round(height - (pct / 100) * height);
  const out: string[][] = rates.map(() => []);
  for (const [from, to] of runs) {
    const idx = from === to ? [from, from] : Array.from({ length: to - from + 1 }, (_, k) => from + k);
    const xs = from === to ? [xOf(from, n, width) - (n > 1 ? width / (n - 1) / 2 : 0), xOf(from, n, width) + (n > 1 ? width / (n - 1) / 2 : 0)] : idx.map((i) => xOf(i, n, width));
    const cum = idx.map(() => 0);
    rates.forEach((r, s) => {
      const lower = cum.slice();
      idx.forEach((i, k) => (cum[k]! += ((r[i] ?? 0) / totals[i]!) * 100));
      const top = idx.map((_, k) => `${round(Math.max(0, Math.min(width, xs[k]!)))},${y(cum[k]!)}`);
      const bottom = idx.map((_, k) => `${round(Math.max(0, Math.min(width, xs[k]!)))},${y(lower[k]!)}`).reverse();
      out[s]!.push([...top, ...bottom].join(' '));
    });
  }
  return out;
}

/** An SVG path through the values scaled to [0, max] → [height, 0]; a null breaks the line. */
export function linePath(values: ReadonlyArray<number | null>, width: number, height: number, max: number): string {
  const n = values.length;
  const scale = max > 0 ? max : 1;
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${round(xOf(i, n, width))},${round(height - (Math.min(v, scale) / scale) * height)}`;
    pen = true;
  });
  return d;
}

/** A round upper bound for an axis (1, 2, 5 × 10^k) at or above the largest value. */
export function niceMax(values: ReadonlyArray<number | null>): number {
  const max = values.reduce<number>((a, v) => (v !== null && Number.isFinite(v) && v > a ? v : a), 0);
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Up to `count` tick positions (index into the points, x) spread evenly over n points. */
export function ticks(n: number, width: number, count = 5): Array<{ i: number; x: number }> {
  if (n <= 0) return [];
  const k = Math.min(count, n);
  const out: Array<{ i: number; x: number }> = [];
  for (let t = 0; t < k; t++) {
    const i = k === 1 ? n - 1 : Math.round((t / (k - 1)) * (n - 1));
    out.push({ i, x: round(xOf(i, n, width)) });
  }
  return out;
}
