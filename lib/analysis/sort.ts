import type { Finding } from './types';

const LEVEL_ORDER: Record<string, number> = { Error: 0, Warning: 1, Info: 2 };

/** istioctl prints `SortedDedupedCopy()`: one line per (code, origin, message), errors first. */
export function sortDedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out = findings.filter((f) => {
    const k = `${f.code}\0${f.origin}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return out.sort(
    (a, b) =>
      (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) ||
      a.code.localeCompare(b.code) ||
      a.origin.localeCompare(b.origin) ||
      a.message.localeCompare(b.message),
  );
}
