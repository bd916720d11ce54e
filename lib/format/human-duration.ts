/**
 * Kubernetes' `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration), the "5m", "3h20m",
 * "2d4h" ages kubectl and istioctl print. istioctl proxy-status appends it to a type's state, e.g.
 * `SYNCED (5m)`, as the time since istiod last pushed that type.
 */

/** `ms` is a duration in milliseconds (Go works in nanoseconds; only whole seconds matter here). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/**
 * Parses an RFC 3339 timestamp with any number of fractional digits (Go and protobuf print up to
 * nine) into milliseconds since the epoch. Returns undefined when it is not one.
 */
export function parseRfc3339(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC maps years 0–99 to 1900–1999.
  if (Number(y) < 100) {
    const dt = new Date(t);
    dt.setUTCFullYear(Number(y));
    t = dt.getTime();
  }
  if (frac) t += Math.trunc(Number(`0.${frac}`) * 1000);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    t -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}
