/**
 * Values formatted the way istiod (Go) prints them, so the console parses the same bytes from the
 * sandbox as from a real istiod:
 *
 * - `time.Time` in JSON: RFC 3339 with nanoseconds, trailing zeros of the fraction trimmed
 *   (`time.RFC3339Nano`), UTC shown as `Z`; the zero time is `0001-01-01T00:00:00Z`.
 * - istiod's push version: `time.Now().Format(time.RFC3339) + "/" + counter`.
 * - `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings (HTML-safe output).
 * - `?pretty` is `json.MarshalIndent(v, "", "    ")`.
 */

/** A wall-clock instant with nanoseconds (JavaScript dates stop at milliseconds). */
export interface GoTime {
  /** Milliseconds since the epoch (whole). */
  ms: number;
  /** Nanoseconds within that millisecond, 0..999 999. */
  subMsNanos: number;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Now, with the sub-millisecond part taken from the high-resolution clock. */
export function nowGoTime(): GoTime {
  const t = performance.timeOrigin + performance.now();
  const ms = Math.floor(t);
  return { ms, subMsNanos: Math.min(999_999, Math.floor((t - ms) * 1e6)) };
}

export function goTimeOf(d: Date): GoTime {
  return { ms: d.getTime(), subMsNanos: 0 };
}

/** `time.RFC3339Nano` in UTC: `2025-06-12T09:43:55.412337905Z`, `2025-06-12T09:43:55.4Z`, `2025-06-12T09:43:55Z`. */
export function formatRFC3339Nano(t: GoTime | undefined): string {
  if (!t) return ZERO_TIME;
  const base = new Date(t.ms).toISOString(); // 2025-06-12T09:43:55.412Z
  const seconds = base.slice(0, 19);
  const nanos = (t.ms % 1000) * 1_000_000 + t.subMsNanos;
  if (nanos === 0) return `${seconds}Z`;
  const frac = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${seconds}.${frac}Z`;
}

/** `time.RFC3339` in UTC (whole seconds): `2025-06-12T09:43:55Z`. */
export function formatRFC3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's encoding/json output for plain data (objects keep their insertion order). */
export function goJson(value: unknown, pretty = false): string {
  const s = pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value);
  return s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
