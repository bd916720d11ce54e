import { describe, expect, it } from 'vitest';
import { linePath, niceMax, shareAreas, ticks } from './history-chart';

describe('history chart geometry', () => {
  it('stacks shares per point, one polygon per run of points with requests', () => {
    const areas = shareAreas(
      [
        [8, 8, null, 0, 3],
        [2, 2, null, 0, 1],
      ],
      100,
      100,
    );
    // Run 1 is points 0–1 (x 0..25); point 4 alone is drawn one step wide, centred, clipped at the edge.
    expect(areas[0]).toEqual(['0,20 25,20 25,100 0,100', '87.5,25 100,25 100,100 87.5,100']);
    expect(areas[1]).toEqual(['0,0 25,0 25,20 0,20', '87.5,0 100,0 100,25 87.5,25']);
  });

  it('no data, no polygon', () => {
    expect(shareAreas([[null, 0]], 10, 10)).toEqual([[]]);
    expect(shareAreas([], 10, 10)).toEqual([]);
  });

  it('lines break at nulls and clip at the axis maximum', () => {
    expect(linePath([0, 5, null, 10, 20], 40, 10, 10)).toBe('M0,10L10,5M30,0L40,0');
    expect(linePath([null, null], 10, 10, 0)).toBe('');
  });

  it('round axis maxima and evenly spread ticks', () => {
    expect(niceMax([0.3, null, 0.7])).toBe(1);
    expect(niceMax([3.2])).toBe(5);
    expect(niceMax([120])).toBe(200);
    expect(niceMax([null])).toBe(1);
    expect(ticks(241, 560, 5).map((t) => t.i)).toEqual([0, 60, 120, 180, 240]);
    expect(ticks(1, 560)).toEqual([{ i: 0, x: 560 }]);
  });
});
