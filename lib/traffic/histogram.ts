/**
 * A fixed-bucket latency histogram for `%DURATION%` (milliseconds): exact for 0–15 ms, then
 * geometric buckets 15 % wide up to ~2 minutes. Histograms of different seconds merge by adding
 * counts, so percentiles over 1/5/15-minute windows cost one pass over the buckets.
 */

const LINEAR = 16;
const FACTOR = 1.15;
/** Number of buckets (the last one takes everything above ~2 minutes). */
export const BUCKETS = LINEAR + 64;
const LOG_FACTOR = Math.log(FACTOR);

/** Lower bound (inclusive) of bucket `b`. */
export function bucketLow(b: number): number {
  return b < LINEAR ? b : LINEAR * FACTOR ** (b - LINEAR);
}

/** The bucket a duration falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > 0)) return 0;
  if (ms < LINEAR) return Math.floor(ms);
  const b = LINEAR + Math.floor(Math.log(ms / LINEAR) / LOG_FACTOR);
  return b >= BUCKETS ? BUCKETS - 1 : b;
}

export function newHistogram(): Uint32Array {
  return new Uint32Array(BUCKETS);
}

export function addTo(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < BUCKETS; i++) target[i]! += source[i]!;
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram holding `count` values between `min` and `max`:
 * exact below 16 ms, otherwise the geometric middle of the bucket, kept within [min, max].
 * Undefined for an empty histogram.
 */
export function quantile(h: Uint32Array, count: number, q: number, min: number, max: number): number | undefined {
  if (count <= 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let b = 0; b < BUCKETS; b++) {
    seen += h[b]!;
    if (seen >= rank) {
      const v = b < LINEAR ? b : Math.sqrt(bucketLow(b) * bucketLow(b + 1));
      return Math.round(Math.min(max, Math.max(min, v)) * 10) / 10;
    }
  }
  return max;
}
