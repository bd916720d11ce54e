import { describe, expect, it } from 'vitest';
import { BEND_STEP, bezierPath, bezierPoint, parallelBends, placeEdgeLabels } from './edge-labels';

describe('bezierPoint', () => {
  it('follows React Flow’s default right-to-left bezier: ends at the handles, middle halfway', () => {
    expect(bezierPoint(0, 0, 80, 64, 0)).toEqual({ x: 0, y: 0 });
    expect(bezierPoint(0, 0, 80, 64, 1)).toEqual({ x: 80, y: 64 });
    expect(bezierPoint(0, 0, 80, 64, 0.5)).toEqual({ x: 40, y: 32 });
    const p = bezierPoint(0, 0, 80, 64, 0.4);
    expect(p.x).toBeGreaterThan(30);
    expect(p.y).toBeLessThan(32);
  });
});

describe('parallelBends', () => {
  it('bends edges between the same two nodes apart, symmetrically, and leaves single edges straight', () => {
    const bends = parallelBends([
      { id: 'v1', source: 'route', target: 'svc' },
      { id: 'v2', source: 'route', target: 'svc' },
      { id: 'other', source: 'svc', target: 'subset' },
    ]);
    expect(bends.get('v1')).toBe(-BEND_STEP / 2);
    expect(bends.get('v2')).toBe(BEND_STEP / 2);
    expect(bends.has('other')).toBe(false);
    expect(bezierPoint(0, 0, 80, 0, 0.5, 20).y).toBe(15);
    expect(bezierPath(0, 0, 80, 64)).toBe('M0,0 C40,0 40,64 80,64');
  });
});

describe('placeEdgeLabels', () => {
  it('puts a lone label in the middle', () => {
    expect(placeEdgeLabels([{ id: 'a', sx: 0, sy: 0, tx: 80, ty: 64, w: 60, h: 24 }]).get('a')).toBe(0.5);
  });

  it('moves a label along its curve when the middle is taken, and leaves out one that fits nowhere', () => {
    // Two crossing edges share a midpoint; the second slides along its own curve.
    const placed = placeEdgeLabels([
      { id: 'down', sx: 0, sy: 0, tx: 80, ty: 128, w: 40, h: 20 },
      { id: 'up', sx: 0, sy: 128, tx: 80, ty: 0, w: 40, h: 20 },
      { id: 'flat', sx: 0, sy: 64, tx: 80, ty: 64, w: 40, h: 20 },
    ]);
    expect(placed.get('down')).toBe(0.5);
    expect(placed.get('up')).not.toBe(0.5);
    expect(placed.has('flat')).toBe(false);
  });

  it('honours a caller’s limit on where labels may sit', () => {
    const placed = placeEdgeLabels([{ id: 'a', sx: 0, sy: 0, tx: 80, ty: 64, w: 60, h: 24 }], { within: (r, x) => x - r.w / 2 >= 0 && x + r.w / 2 <= 80 && x === 40 });
    expect(placed.get('a')).toBe(0.5);
    expect(placeEdgeLabels([{ id: 'a', sx: 0, sy: 0, tx: 80, ty: 64, w: 100, h: 24 }], { within: (r, x) => x - r.w / 2 >= 0 && x + r.w / 2 <= 80 }).has('a')).toBe(false);
  });

  it('places a thousand labels quickly', () => {
    const reqs = Array.from({ length: 1000 }, (_, i) => ({ id: String(i), sx: (i % 10) * 264 + 184, sy: Math.floor(i / 10) * 64, tx: (i % 10) * 264 + 264, ty: Math.floor(i / 10) * 64 + ((i * 7) % 5) * 64, w: 62, h: 24 }));
    const t0 = performance.now();
    const placed = placeEdgeLabels(reqs);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(placed.size).toBeGreaterThan(100);
  });
});
