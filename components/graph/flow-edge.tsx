'use client';
/**
 * An edge of the overview that shows its live traffic: a moving dash over the line, faster and
 * thicker with more requests/s (still with none, or under prefers-reduced-motion), coloured by the
 * 5xx share (neutral < 1 %, amber 1–5 %, red > 5 %), and a label (`12.3 req/s` over `2% 5xx`, under
 * the edge's port or weight) where there is room. Numbers come from the per-edge store (edge-rates.ts): a tick re-renders only this edge.
 */
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { bezierPath, bezierPoint } from '@/lib/topology/edge-labels';
import { ERROR_THRESHOLDS, type ErrorLevel } from '@/lib/topology/edge-rates';
import { formatErr, formatRps, LABEL_FONT, LABEL_LINE_H, LABEL_PAD_Y, labelLines, labelSize, useEdgeRate, type EdgeLive } from './edge-rates';

export type FlowEdgeData = { broken: boolean; labels: boolean; /** Parallel edges' bend (lib/topology/edge-labels). */ bend: number };
export type FlowEdge = Edge<FlowEdgeData, 'flow'>;

export const LEVEL_COLOUR: Record<ErrorLevel, string> = { ok: '#0284c7', warn: '#d97706', fail: '#dc2626' };
const LEVEL_TEXT: Record<ErrorLevel, string> = { ok: '#334155', warn: '#b45309', fail: '#dc2626' };

/** Dash period in flow units (`stroke-dasharray: 6 8`, keyframes in app/globals.css). */
const DASH = 14;

/** Seconds per dash period: ~1.4 s at 0.1 req/s, 0.5 s at 10, 0.25 s at 1,000 (stepped, so small changes keep the rhythm). */
export function dashSeconds(rps: number): number {
  const speed = 10 + 14 * Math.round(2 * Math.log10(1 + rps)); // flow units per second, in half-decade steps
  return Math.round((DASH / speed) * 100) / 100;
}

/** 1.5 to 4.5 flow units, a step per decade of req/s. */
export function strokeWidth(rps: number): number {
  return Math.min(4.5, 1.5 + Math.round(Math.log10(1 + rps) * 2) / 2);
}

export function edgeTooltip(r: EdgeLive): string {
  return [
    `${formatRps(r.rps)} · ${formatErr(r.errorPct) ?? '0% 5xx'}${r.clientErrorPct ? ` · ${r.clientErrorPct}% 4xx` : ''} · last 10 s of gateway access logs`,
    r.estimated ? 'Estimated: the access log does not say which server or port of the gateway pod a request came in on, so it is shared out.' : undefined,
    `Colour: blue under ${ERROR_THRESHOLDS.warn}% 5xx, amber ${ERROR_THRESHOLDS.warn}–${ERROR_THRESHOLDS.fail}%, red over ${ERROR_THRESHOLDS.fail}%.`,
    'Click to open the access-log lines of this hop.',
  ]
    .filter(Boolean)
    .join('\n');
}

function FlowEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, label, labelStyle, data }: EdgeProps<FlowEdge>) {
  const bend = data?.bend ?? 0;
  let [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (bend) {
    path = bezierPath(sourceX, sourceY, targetX, targetY, bend);
    ({ x: labelX, y: labelY } = bezierPoint(sourceX, sourceY, targetX, targetY, 0.5, bend));
  }
  const r = useEdgeRate(id);
  const active = !!r && r.rps > 0;
  const showRate = active && !!data?.labels && r.spot !== undefined;
  const staticLabel = typeof label === 'string' ? label : undefined;
  // With traffic, the port/weight is part of the rate label; where that found no room, neither is
  // drawn (it would cover the labels that did), and the tooltip carries it.
  return (
    <>
      {active ? <title>{`${staticLabel ? `${staticLabel} · ` : ''}${edgeTooltip(r)}`}</title> : null}
      <BaseEdge path={path} markerEnd={markerEnd} style={style} label={active ? undefined : label} labelX={labelX} labelY={labelY} labelStyle={labelStyle} />
      {active ? (
        <path
          d={path}
          className="gs-flow"
          data-testid="edge-flow"
          data-edge-id={id}
          data-rps={r.rps}
          data-error-pct={r.errorPct}
          data-level={r.level}
          style={{ stroke: LEVEL_COLOUR[r.level], strokeWidth: strokeWidth(r.rps), animationDuration: `${dashSeconds(r.rps)}s` }}
        />
      ) : null}
      {showRate ? <RateLabel r={r} staticLabel={staticLabel} sx={sourceX} sy={sourceY} tx={targetX} ty={targetY} bend={bend} id={id} /> : null}
    </>
  );
}

function RateLabel({ r, staticLabel, sx, sy, tx, ty, bend, id }: { r: EdgeLive; staticLabel?: string | undefined; sx: number; sy: number; tx: number; ty: number; bend: number; id: string }) {
  const lines = labelLines(staticLabel, r);
  const { w, h } = labelSize(lines);
  const p = bezierPoint(sx, sy, tx, ty, r.spot ?? 0.5, bend);
  const x0 = p.x - w / 2;
  const y0 = p.y - h / 2;
  const first = staticLabel ? 1 : 0;
  return (
    <g transform={`translate(${x0} ${y0})`} data-testid="edge-rate" data-edge-id={id} data-level={r.level} className="gs-edge-label">
      <rect width={w} height={h} rx={2} className="gs-edge-label-bg" style={{ stroke: r.level === 'ok' ? undefined : LEVEL_COLOUR[r.level] }} />
      {lines.map((line, i) => (
        <text
          key={i}
          x={w / 2}
          y={LABEL_PAD_Y + (i + 0.78) * LABEL_LINE_H}
          textAnchor="middle"
          // The port/weight line keeps React Flow's class (e2e and the old labels read it).
          className={i < first ? 'react-flow__edge-text' : i === first ? 'gs-edge-rps' : 'gs-edge-err'}
          style={{ fontSize: LABEL_FONT, fontFamily: 'ui-monospace, monospace', ...(i > first && r.level !== 'ok' ? { fill: LEVEL_TEXT[r.level] } : {}) }}
        >
          {line}
        </text>
      ))}
    </g>
  );
}

export const FlowEdgeComponent = memo(FlowEdgeImpl);
