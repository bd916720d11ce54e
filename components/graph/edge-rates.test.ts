import { describe, expect, it } from 'vitest';
import { applyEdgeRates, formatErr, formatRps, labelLines, labelSize, setEdgeRateViews } from './edge-rates';
import { dashSeconds, strokeWidth } from './flow-edge';
import type { TopologyView } from './types';

describe('edge labels', () => {
  it('reads like the node badges: req/s, then the 5xx share when there is one', () => {
    expect(formatRps(0.04)).toBe('0.0 req/s');
    expect(formatRps(12.34)).toBe('12.3 req/s');
    expect(formatRps(234.5)).toBe('235 req/s');
    expect(formatRps(1234)).toBe('1.2k req/s');
    expect(formatErr(0)).toBeUndefined();
    expect(formatErr(2)).toBe('2% 5xx');
    expect(formatErr(0.44)).toBe('0.4% 5xx');
    expect(formatErr(17.2)).toBe('17% 5xx');
    expect(labelLines('80%', { rps: 8, errorPct: 0 })).toEqual(['80%', '8.0 req/s']);
    expect(labelLines(undefined, { rps: 0.8, errorPct: 3, estimated: true })).toEqual(['≈0.8 req/s', '3% 5xx']);
    // Fits the 88 flow units between two columns.
    expect(labelSize(['≈12.3 req/s', '100% 5xx']).w).toBeLessThan(88 - 8);
  });

  it('moves faster and draws thicker with more req/s, in steps', () => {
    expect(dashSeconds(0.1)).toBeGreaterThan(dashSeconds(1));
    expect(dashSeconds(1)).toBeGreaterThan(dashSeconds(10));
    expect(dashSeconds(10)).toBeGreaterThan(dashSeconds(1000));
    expect(dashSeconds(10)).toBe(dashSeconds(11));
    expect(strokeWidth(0.1)).toBe(1.5);
    expect(strokeWidth(1000)).toBeLessThanOrEqual(4.5);
    expect(strokeWidth(100)).toBeGreaterThan(strokeWidth(1));
  });
});

describe('the per-edge store', () => {
  it('places labels only when there are few edges, and not on top of each other', async () => {
    const { edgeRatesNow, edgeLiveNow } = await import('./edge-rates');
    const node = (id: string, stage: string, x: number, y: number) => ({ id, stage, label: id, health: 'ok', warnings: [], x, y }) as TopologyView['nodes'][number];
    const view: TopologyView = {
      nodes: [node('route:a', 'route', 0, 0), node('service:s', 'service', 272, 0), node('service:t', 'service', 272, 64)],
      edges: [
        { id: 'r1', source: 'route:a', target: 'service:s', subset: 'v1', label: '80%' },
        { id: 'r2', source: 'route:a', target: 'service:s', subset: 'v2', label: '20%' },
        { id: 'r3', source: 'route:a', target: 'service:t' },
      ],
      stages: [],
      paths: { total: 0, broken: 0 },
    };
    setEdgeRateViews(view, view, true);
    applyEdgeRates({ r1: { n: 80, rps: 8, errorPct: 0, clientErrorPct: 0 }, r2: { n: 20, rps: 2, errorPct: 10, clientErrorPct: 0 } });
    expect(Object.keys(edgeRatesNow())).toEqual(['r1', 'r2']);
    // The two destinations of one route on one Service are bent apart: both labels fit, mid-curve.
    expect(edgeLiveNow('r1')).toMatchObject({ rps: 8, level: 'ok', spot: 0.5 });
    expect(edgeLiveNow('r2')).toMatchObject({ rps: 2, level: 'fail', spot: 0.5 });
    expect(edgeLiveNow('r3')).toBeUndefined();
    // Over the label limit: numbers, no labels.
    setEdgeRateViews(view, view, false);
    applyEdgeRates({ r1: { n: 80, rps: 8, errorPct: 0, clientErrorPct: 0 } });
    expect(edgeLiveNow('r1')?.spot).toBeUndefined();
    expect(edgeLiveNow('r1')?.rps).toBe(8);
  });

  it('keeps a label where it is when another edge starts carrying traffic over it', async () => {
    const { edgeLiveNow } = await import('./edge-rates');
    const node = (id: string, stage: string, x: number, y: number) => ({ id, stage, label: id, health: 'ok', warnings: [], x, y }) as TopologyView['nodes'][number];
    // Two crossing edges of equal priority: `down` comes first in the view, so it would win the middle.
    const view: TopologyView = {
      nodes: [node('route:a', 'route', 0, 0), node('route:b', 'route', 0, 128), node('service:s', 'service', 272, 128), node('service:t', 'service', 272, 0)],
      edges: [
        { id: 'down', source: 'route:a', target: 'service:s' },
        { id: 'up', source: 'route:b', target: 'service:t' },
      ],
      stages: [],
      paths: { total: 0, broken: 0 },
    };
    const rate = { n: 10, rps: 1, errorPct: 0, clientErrorPct: 0 };
    setEdgeRateViews(view, view, true);
    applyEdgeRates({ up: rate });
    expect(edgeLiveNow('up')?.spot).toBe(0.5);
    // `down` starts: it fits around `up` (or not at all), `up` does not move or vanish.
    applyEdgeRates({ up: rate, down: rate });
    expect(edgeLiveNow('up')?.spot).toBe(0.5);
    expect(edgeLiveNow('down')?.spot).not.toBe(0.5);
    // A new view (the graph moved) keeps it too.
    setEdgeRateViews(view, { ...view }, true);
    applyEdgeRates({ down: rate, up: rate });
    expect(edgeLiveNow('up')?.spot).toBe(0.5);
    // A route's weight outranks a port: `down` carrying `80%` takes the middle even from a label on screen.
    const weighted: TopologyView = { ...view, edges: [{ ...view.edges[0]!, label: '80%' }, { ...view.edges[1]!, label: ':80' }] };
    setEdgeRateViews(weighted, weighted, true);
    applyEdgeRates({ up: rate });
    expect(edgeLiveNow('up')?.spot).toBe(0.5);
    applyEdgeRates({ up: rate, down: rate });
    expect(edgeLiveNow('down')?.spot).toBe(0.5);
    expect(edgeLiveNow('up')?.spot).not.toBe(0.5);
  });
});
