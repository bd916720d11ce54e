'use client';
/**
 * A route's split: each destination's share of the requests over a trailing 15 s window, as a stacked area (SVG), with
 * the configured weights drawn over it as dashed lines (the share each destination should take).
 */
import type { RouteSplit } from '@/lib/traffic/aggregate';

export const DEST_COLORS = ['#0ea5e9', '#f59e0b', '#10b981', '#a855f7', '#ef4444', '#64748b'];

/** `marks`: times (ms) when the configured weights changed, drawn as vertical lines; `at`/`seconds`: the window. */
export function SplitChart({ split, at, seconds, marks = [], width = 560, height = 120 }: { split: RouteSplit; at: number; seconds: number; marks?: number[]; width?: number; height?: number }) {
  const raw = split.series?.points ?? [];
  const n = raw[0]?.length ?? 0;
  if (n === 0) return null;
  // Shares over a trailing 15 s window: at a few requests per second, per-second shares swing
  // between 0 and 100 % and say nothing. A step with no request in its window keeps the last share.
  const w = Math.max(1, Math.ceil(15 / (split.series?.step ?? 1)));
  const pts = raw.map((p) => p.map((_, i) => p.slice(Math.max(0, i - w + 1), i + 1).reduce((a, b) => a + b, 0)));
  const totals = Array.from({ length: n }, (_, i) => pts.reduce((a, p) => a + (p[i] ?? 0), 0));
  for (let i = 1; i < n; i++) {
    if (totals[i]) continue;
    for (const p of pts) p[i] = p[i - 1] ?? 0;
    totals[i] = totals[i - 1] ?? 0;
  }
  const x = (i: number) => (n === 1 ? width : (i / (n - 1)) * width);
  // Shares (percent) stacked, so the configured weights are straight lines over the area.
  const y = (pct: number) => height - (pct / 100) * height;
  const layers: string[] = [];
  const cum = new Array<number>(n).fill(0);
  pts.forEach((p) => {
    const lower = cum.slice();
    for (let i = 0; i < n; i++) cum[i]! += totals[i] ? ((p[i] ?? 0) / totals[i]!) * 100 : 0;
    const top = cum.map((v, i) => `${x(i)},${y(v)}`);
    const bottom = lower.map((v, i) => `${x(i)},${y(v)}`).reverse();
    layers.push([...top, ...bottom].join(' '));
  });
  let acc = 0;
  const lines = split.destinations.slice(0, -1).map((d) => (acc += d.configured));
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="h-[120px] w-full rounded bg-slate-50 dark:bg-slate-950" preserveAspectRatio="none" role="img" aria-label={`Observed split of ${split.label} over time`}>
      {layers.map((pointsAttr, i) => (
        <polygon key={i} points={pointsAttr} fill={DEST_COLORS[i % DEST_COLORS.length]} fillOpacity={0.55} />
      ))}
      {marks
        .filter((m) => m > at - seconds * 1000 && m <= at)
        .map((m) => {
          const mx = ((m - (at - seconds * 1000)) / (seconds * 1000)) * width;
          return <line key={m} x1={mx} x2={mx} y1={0} y2={height} stroke="#dc2626" strokeWidth={2} vectorEffect="non-scaling-stroke" data-testid="config-change-mark" />;
        })}
      {lines.map((pct, i) => (
        <line key={i} x1={0} x2={width} y1={y(pct)} y2={y(pct)} stroke="#0f172a" strokeDasharray="6 4" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
      ))}
    </svg>
  );
}
