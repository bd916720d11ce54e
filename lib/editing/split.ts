/**
 * Arithmetic of a weighted split: the weights of a route's destinations, kept summing to 100
 * by the split slider. Pure, tested beside.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */

/** The weights as Istio reads them: a lone destination without a weight gets 100, others 0. */
export function weightsOf(destinations: readonly { weight?: unknown }[]): number[] {
  if (destinations.length === 1 && typeof destinations[0]!.weight !== 'number') return [100];
  return destinations.map((d) => (typeof d.weight === 'number' && Number.isFinite(d.weight) ? d.weight : 0));
}

export const sum = (ws: readonly number[]): number => ws.reduce((a, b) => a + b, 0);

/** Cumulative boundaries: `[w0, w0+w1, …]` (the last is the total). */
export function boundaries(ws: readonly number[]): number[] {
  let acc = 0;
  return ws.map((w) => (acc += w));
}

/**
 * Moves boundary `i` (between destination `i` and `i + 1`) to `position` (0–100), clamped so no
 * weight goes below 0; only destinations `i` and `i + 1` change, so the total stays the same.
 */
export function moveBoundary(ws: readonly number[], i: number, position: number): number[] {
  if (i < 0 || i >= ws.length - 1) return ws.slice();
  const b = boundaries(ws);
  const lo = i === 0 ? 0 : b[i - 1]!;
  const hi = b[i + 1]!;
  const p = Math.round(Math.max(lo, Math.min(hi, position)));
  const out = ws.slice();
  out[i] = p - lo;
  out[i + 1] = hi - p;
  return out;
}

/** `n` integer weights as even as possible, summing to 100 (the remainder goes to the first ones). */
export function evenSplit(n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

/** Scales integer weights to sum to 100 (largest remainder); all-zero weights become an even split. */
export function normalize(ws: readonly number[]): number[] {
  const total = sum(ws);
  if (total <= 0) return evenSplit(ws.length);
  const exact = ws.map((w) => (Math.max(0, w) * 100) / total);
  const out = exact.map(Math.floor);
  let rest = 100 - sum(out);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    out[i]!++;
    rest--;
  }
  return out;
}

/**
 * Sets destination `i` to `value` (clamped to 0–100, rounded) and shares the rest of 100 among
 * the others in proportion to their weights (largest remainder; evenly when they are all 0):
 * what a per-destination number input does to keep a split of three or more at 100.
 */
export function setWeight(ws: readonly number[], i: number, value: number): number[] {
  if (i < 0 || i >= ws.length || !Number.isFinite(value)) return ws.slice();
  const v = Math.round(Math.max(0, Math.min(100, value)));
  if (ws.length === 1) return [100];
  const shared = shareOut(ws.filter((_, j) => j !== i), 100 - v);
  const out: number[] = [];
  let k = 0;
  for (let j = 0; j < ws.length; j++) out.push(j === i ? v : shared[k++]!);
  return out;
}

/** Integers proportional to `ws` summing to `total` (largest remainder; an even share when all are 0). */
function shareOut(ws: readonly number[], total: number): number[] {
  const s = sum(ws);
  const exact = ws.map((w) => (s > 0 ? (Math.max(0, w) * total) / s : total / ws.length));
  const out = exact.map(Math.floor);
  let rest = total - sum(out);
  const order = exact.map((x, j) => [x - Math.floor(x), j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, j] of order) {
    if (rest <= 0) break;
    out[j]!++;
    rest--;
  }
  return out;
}
