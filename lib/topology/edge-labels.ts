/**
 * Where to put the rate labels of the overview's edges so that they do not cover each other:
 * each label sits on its own curve (React Flow's default bezier from a right handle to a left
 * one), at the middle when free, else a little towards either end; a label with no free spot is
 * left out (its edge keeps its colour, tooltip and click). Greedy, in the order given: pass the
 * edges that matter most first.
 *
 * @example placeEdgeLabels([{ id: 'a', sx: 0, sy: 0, tx: 80, ty: 64, w: 60, h: 24 }]).get('a') // 0.5
 */

export interface LabelRequest {
  id: string;
  sx: number;
  sy: number;
  tx: number;
  ty: number;
  /** Label size in flow units. */
  w: number;
  h: number;
  /** Vertical offset of both control points (parallel edges, see `parallelBends`). */
  bend?: number;
  /** The spot to try first (where the label already is on screen). */
  prefer?: number;
}

/** Positions along the curve tried in turn (0 = source, 1 = target). */
export const LABEL_SPOTS = [0.5, 0.4, 0.6, 0.32, 0.68] as const;

/** React Flow's `getBezierPath` control offset for a right-to-left edge (curvature 0.25). */
function controlOffset(distance: number, curvature = 0.25): number {
  return distance >= 0 ? 0.5 * distance : curvature * 25 * Math.sqrt(-distance);
}

/** Vertical bend per parallel edge: the middle of the curve moves by 3/4 of it. */
export const BEND_STEP = 48;

/**
 * Edges between the same two nodes (a route's destinations on one Service, one per subset) would
 * be drawn on top of each other: each gets its own bend, centred around the straight curve.
 */
export function parallelBends(edges: ReadonlyArray<{ id: string; source: string; target: string }>): Map<string, number> {
  const groups = new Map<string, string[]>();
  for (const e of edges) {
    const k = `${e.source}\n${e.target}`;
    const g = groups.get(k);
    if (g) g.push(e.id);
    else groups.set(k, [e.id]);
  }
  const out = new Map<string, number>();
  for (const ids of groups.values()) {
    if (ids.length < 2) continue;
    ids.forEach((id, i) => out.set(id, (i - (ids.length - 1) / 2) * BEND_STEP));
  }
  return out;
}

/** Control points of React Flow's default bezier from a right source handle to a left target handle, plus a bend. */
export function bezierControls(sx: number, sy: number, tx: number, ty: number, bend = 0): { c1x: number; c1y: number; c2x: number; c2y: number } {
  return { c1x: sx + controlOffset(tx - sx), c1y: sy + bend, c2x: tx - controlOffset(tx - sx), c2y: ty + bend };
}

/** The SVG path of that curve (equal to `getBezierPath`'s without a bend). */
export function bezierPath(sx: number, sy: number, tx: number, ty: number, bend = 0): string {
  const c = bezierControls(sx, sy, tx, ty, bend);
  return `M${sx},${sy} C${c.c1x},${c.c1y} ${c.c2x},${c.c2y} ${tx},${ty}`;
}

/** The point at `t` on that curve. */
export function bezierPoint(sx: number, sy: number, tx: number, ty: number, t: number, bend = 0): { x: number; y: number } {
  const { c1x, c1y, c2x, c2y } = bezierControls(sx, sy, tx, ty, bend);
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * sx + b * c1x + c * c2x + d * tx, y: a * sy + b * c1y + c * c2y + d * ty };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Label position (as `t` along the curve) per edge id; edges whose label fits nowhere are absent.
 * `within(x, halfWidth)` may forbid spots (e.g. a label reaching into the node columns).
 */
export function placeEdgeLabels(requests: readonly LabelRequest[], opts: { gap?: number; within?: (r: LabelRequest, x: number) => boolean } = {}): Map<string, number> {
  const gap = opts.gap ?? 2;
  const placed: Box[] = [];
  // A coarse grid of placed boxes keeps this linear-ish for thousands of labels.
  const cell = 128;
  const grid = new Map<string, number[]>();
  const cells = (b: Box): string[] => {
    const out: string[] = [];
    for (let cx = Math.floor(b.x0 / cell); cx <= Math.floor(b.x1 / cell); cx++) for (let cy = Math.floor(b.y0 / cell); cy <= Math.floor(b.y1 / cell); cy++) out.push(`${cx},${cy}`);
    return out;
  };
  const free = (b: Box) => {
    for (const k of cells(b)) {
      for (const i of grid.get(k) ?? []) {
        const o = placed[i]!;
        if (b.x0 < o.x1 + gap && o.x0 < b.x1 + gap && b.y0 < o.y1 + gap && o.y0 < b.y1 + gap) return false;
      }
    }
    return true;
  };
  const out = new Map<string, number>();
  for (const r of requests) {
    for (const t of r.prefer === undefined ? LABEL_SPOTS : [r.prefer, ...LABEL_SPOTS.filter((s) => s !== r.prefer)]) {
      const p = bezierPoint(r.sx, r.sy, r.tx, r.ty, t, r.bend);
      if (opts.within && !opts.within(r, p.x)) continue;
      const b = { x0: p.x - r.w / 2, y0: p.y - r.h / 2, x1: p.x + r.w / 2, y1: p.y + r.h / 2 };
      if (!free(b)) continue;
      const i = placed.push(b) - 1;
      for (const k of cells(b)) {
        const list = grid.get(k);
        if (list) list.push(i);
        else grid.set(k, [i]);
      }
      out.set(r.id, t);
      break;
    }
  }
  return out;
}
