/**
 * Durations: Istio/Kubernetes accept Go-style strings (`1m30s`, `250ms`, `0.5s`); Envoy prints
 * google.protobuf.Duration JSON (`90s`, `0.250s`: 0, 3, 6 or 9 fractional digits).
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** Milliseconds of a duration string, or undefined when it does not parse. */
export function parseDurationMs(s: string | undefined | null): number | undefined {
  if (s === undefined || s === null) return undefined;
  const str = String(s).trim();
  if (str === '' ) return undefined;
  if (/^\d+(\.\d+)?$/.test(str)) return Number(str) * 1000;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(str)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === str.length ? total : undefined;
}

/** protobuf Duration JSON for a number of milliseconds. */
export function formatDuration(ms: number): string {
  const nanos = Math.round(ms * 1_000_000);
  const secs = Math.trunc(nanos / 1_000_000_000);
  const frac = Math.abs(nanos % 1_000_000_000);
  if (frac === 0) return `${secs}s`;
  let digits = String(frac).padStart(9, '0');
  if (digits.endsWith('000000')) digits = digits.slice(0, 3);
  else if (digits.endsWith('000')) digits = digits.slice(0, 6);
  return `${nanos < 0 && secs === 0 ? '-' : ''}${secs}.${digits}s`;
}

/** Normalizes a user duration to Envoy's printed form (unparsable input is kept as is). */
export function normalizeDuration(s: string): string {
  const ms = parseDurationMs(s);
  return ms === undefined ? s : formatDuration(ms);
}
