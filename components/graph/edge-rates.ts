'use client';
/**
 * Live traffic per edge of the overview graph, as node-rates.ts does it for nodes: one `traffic/10`
 * subscription (shared with the node badges by the stream client), lib/topology's edge flows
 * computed once per tick for the whole view, and a per-edge store so that a tick re-renders only
 * the edges whose numbers changed (the React Flow edge array is untouched). Label spots (where
 * each rate label sits on its curve, lib/topology/edge-labels) are worked out again only when the
 * set of edges with traffic changes, so labels do not jump between ticks.
 */
import { useSyncExternalStore } from 'react';
import { parallelBends, placeEdgeLabels, type LabelRequest } from '@/lib/topology/edge-labels';
import { edgeFlowIndex, edgeRates, errorLevel, type EdgeFlowIndex, type EdgeRate, type ErrorLevel, type TrafficLike } from '@/lib/topology/edge-rates';
import { keyedTopicStore } from '@/components/data/keyed-topic-store';
import type { TopologyView } from './types';

export interface EdgeLive extends EdgeRate {
  level: ErrorLevel;
  /** Where the rate label sits along the curve (0 = source, 1 = target); absent when labels are off or there is no room. */
  spot?: number;
}

/** Node width in flow units (stage-node.tsx) and the usual distance from a node's top to its handles. */
const NODE_W = 184;
const HANDLE_Y = 24;
/** Rate labels: 9 px monospace. */
export const LABEL_FONT = 9;
export const LABEL_CHAR_W = 5.45;
export const LABEL_LINE_H = 10.5;
export const LABEL_PAD_X = 4;
export const LABEL_PAD_Y = 2;

const TOPIC = 'traffic/10';
const live = new Map<string, EdgeLive>();
const store = keyedTopicStore({
  topic: TOPIC,
  onSnapshot: (data) => {
    const d = data as Partial<TrafficLike>;
    lastTraffic = { nodes: d.nodes ?? {}, edges: d.edges ?? {}, ...(d.routes ? { routes: d.routes } : {}) };
    recompute();
  },
  onIdle: () => {
    lastTraffic = undefined;
    live.clear();
    shownKeys.clear();
    spots = new Map();
    spotsKey = '';
  },
});

let index: EdgeFlowIndex | undefined;
let shown: { view: TopologyView; labels: boolean; staticLabels: Map<string, string | undefined>; bends: Map<string, number> } | undefined;
let lastTraffic: TrafficLike | undefined;
let lastRates: Record<string, EdgeRate> = {};
let spots = new Map<string, number>();
let spotsKey = '';

/** `12.3 req/s`, `0.4 req/s`, `1.2k req/s`. */
export function formatRps(rps: number): string {
  if (rps >= 10_000) return `${(rps / 1000).toFixed(0)}k req/s`;
  if (rps >= 1_000) return `${(rps / 1000).toFixed(1)}k req/s`;
  if (rps >= 100) return `${rps.toFixed(0)} req/s`;
  return `${rps.toFixed(1)} req/s`;
}

/** `2% 5xx`, `0.4% 5xx`, or nothing under 0.05 % (the node badges' wording). */
export function formatErr(errorPct: number): string | undefined {
  if (errorPct < 0.05) return undefined;
  return `${errorPct < 10 ? errorPct.toFixed(1).replace(/\.0$/, '') : errorPct.toFixed(0)}% 5xx`;
}

/** The lines of an edge's label: its port or weight (if any), the rate, the error share (if any). */
export function labelLines(staticLabel: string | undefined, r: Pick<EdgeRate, 'rps' | 'errorPct' | 'estimated'>): string[] {
  const err = formatErr(r.errorPct);
  return [...(staticLabel ? [staticLabel] : []), `${r.estimated ? '≈' : ''}${formatRps(r.rps)}`, ...(err ? [err] : [])];
}

export function labelSize(lines: readonly string[]): { w: number; h: number } {
  return { w: Math.max(...lines.map((l) => l.length)) * LABEL_CHAR_W + 2 * LABEL_PAD_X, h: lines.length * LABEL_LINE_H + 2 * LABEL_PAD_Y };
}

/** Edges whose labels matter most go first: the routing half, then the entry hops. */
const PRIORITY: Record<string, number> = { service: 0, subset: 1, route: 2, pod: 3, virtualService: 4, gatewayServer: 5, gatewayPod: 6, nodePort: 7, loadBalancer: 8 };

function placeLabels(rates: Record<string, EdgeRate>): void {
  if (!shown?.labels) {
    spots = new Map();
    spotsKey = '';
    return;
  }
  const { view, staticLabels, bends } = shown;
  const active = view.edges.filter((e) => (rates[e.id]?.rps ?? 0) > 0);
  const key = active.map((e) => `${e.id}#${labelLines(staticLabels.get(e.id), rates[e.id]!).length}`).join('\n');
  if (key === spotsKey) return;
  spotsKey = key;
  const pos = new Map(view.nodes.map((n) => [n.id, n]));
  const reqs: Array<LabelRequest & { p: number; weight: number; y: number }> = [];
  for (const e of active) {
    const s = pos.get(e.source);
    const t = pos.get(e.target);
    if (!s || !t) continue;
    const { w, h } = labelSize(labelLines(staticLabels.get(e.id), rates[e.id]!));
    reqs.push({ id: e.id, sx: s.x + NODE_W, sy: s.y + HANDLE_Y, tx: t.x, ty: t.y + HANDLE_Y, w, h, bend: bends.get(e.id) ?? 0, p: PRIORITY[t.stage] ?? 9, weight: staticLabels.get(e.id)?.endsWith('%') ? 0 : 1, y: (s.y + t.y) / 2 });
  }
  // Which labels get the room, in order: the routing half first (PRIORITY), a route's weights
  // before ports, then labels already on screen, at their spot (an edge whose traffic starts or
  // stops elsewhere must not make a label the user is reading vanish or jump), then top to bottom.
  for (const r of reqs) {
    const t = spots.get(r.id);
    if (t !== undefined) r.prefer = t;
  }
  const onScreen = (r: { prefer?: number }) => (r.prefer === undefined ? 1 : 0);
  reqs.sort((a, b) => a.p - b.p || a.weight - b.weight || onScreen(a) - onScreen(b) || a.y - b.y);
  // Inside the gap between the two columns, never over a node.
  spots = placeEdgeLabels(reqs, { within: (r, x) => x - r.w / 2 >= r.sx + 2 && x + r.w / 2 <= r.tx - 2 });
}

/** What the screen shows of a rate: an edge re-renders only when this changes (not on every 0.01 req/s). */
function shownKey(r: EdgeRate, spot: number | undefined): string {
  return `${formatRps(r.rps)}|${formatErr(r.errorPct) ?? ''}|${Math.round(r.clientErrorPct)}|${errorLevel(r.errorPct)}|${r.estimated ? 1 : 0}|${spot ?? ''}`;
}
const shownKeys = new Map<string, string>();

function publish(rates: Record<string, EdgeRate>): void {
  lastRates = rates;
  placeLabels(rates);
  const changed: string[] = [];
  for (const [id, r] of Object.entries(rates)) {
    const spot = spots.get(id);
    const key = shownKey(r, spot);
    if (shownKeys.get(id) !== key) {
      shownKeys.set(id, key);
      live.set(id, { ...r, level: errorLevel(r.errorPct), ...(spot !== undefined ? { spot } : {}) });
      changed.push(id);
    }
  }
  for (const id of [...live.keys()]) {
    if (!(id in rates)) {
      live.delete(id);
      shownKeys.delete(id);
      changed.push(id);
    }
  }
  store.notify(changed);
}

function recompute(): void {
  if (index && lastTraffic) publish(edgeRates(index, lastTraffic));
  else publish({});
}

/**
 * The graph on screen (`shown`, maybe filtered) and the whole topology the rates are computed on
 * (`all`: a filter must not move traffic onto the edges left visible).
 */
export function setEdgeRateViews(all: TopologyView, view: TopologyView, labels: boolean): void {
  index = edgeFlowIndex(all);
  shown = { view, labels, staticLabels: new Map(view.edges.map((e) => [e.id, e.label])), bends: parallelBends(view.edges) };
  spotsKey = '';
  recompute();
}

/** The flow index of the current graph (for edge clicks: lib/topology/edge-logs). */
export function currentEdgeIndex(): EdgeFlowIndex | undefined {
  return index;
}

/** Feeds per-edge numbers as a tick would (the browser benchmark's tick; skips the flow computation). */
export function applyEdgeRates(rates: Record<string, EdgeRate>): void {
  publish(rates);
}

/** The last rates, for tests and the legend. */
export function edgeRatesNow(): Readonly<Record<string, EdgeRate>> {
  return lastRates;
}

/** What one edge shows now (outside React: tests). */
export function edgeLiveNow(id: string): EdgeLive | undefined {
  return live.get(id);
}

/** The live traffic of one edge (undefined while nothing went over it in the window). */
export function useEdgeRate(id: string): EdgeLive | undefined {
  return useSyncExternalStore(
    (fn) => store.subscribe(id, fn),
    () => live.get(id),
    () => undefined,
  );
}
