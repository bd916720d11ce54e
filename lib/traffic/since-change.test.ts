import { describe, expect, it } from 'vitest';
import { observedSince } from './since-change';
import { TrafficWindow } from './window';

describe('observedSince', () => {
  it('counts only the steps that start at or after the moment, leaving out the step it fell in', () => {
    // 10 one-second steps ending with second 100: seconds 91..100.
    const series = { step: 1, points: [[8, 8, 8, 8, 8, 5, 5, 5, 5, 5], [2, 2, 2, 2, 2, 5, 5, 5, 5, 5]] };
    const r = observedSince({ series }, 100_500, 10, 95_200)!;
    expect(r.from).toBe(96_000);
    expect(r.n).toBe(50);
    expect(r.destinations).toEqual([{ n: 25, observed: 50 }, { n: 25, observed: 50 }]);
    // A change right on a second boundary counts that second.
    expect(observedSince({ series }, 100_500, 10, 95_000)!.destinations).toEqual([{ n: 33, observed: 55 }, { n: 27, observed: 45 }]);
  });

  it('works in steps of several seconds', () => {
    // 4 five-second steps ending with second 1000: they start at 981, 986, 991, 996.
    const series = { step: 5, points: [[10, 10, 3, 1], [0, 0, 1, 3]] };
    const r = observedSince({ series }, 1_000_999, 20, 987_000)!;
    expect(r.from).toBe(991_000);
    expect(r.destinations.map((d) => d.observed)).toEqual([50, 50]);
  });

  it('is undefined without a series or a step after the moment, and has no share without requests', () => {
    expect(observedSince({}, 100_000, 10, 90_000)).toBeUndefined();
    const series = { step: 1, points: [[1, 0], [1, 0]] };
    expect(observedSince({ series }, 100_000, 2, 100_500)).toBeUndefined();
    expect(observedSince({ series }, 100_000, 2, 99_500)).toEqual({ from: 100_000, n: 0, destinations: [{ n: 0 }, { n: 0 }] });
  });

  it('agrees with the window the series comes from', () => {
    const w = new TrafficWindow(60);
    const add = (sec: number, key: string) => w.add([key], { t: sec * 1000 + 300, status: 200, durationMs: 1, http: true });
    for (let s = 200; s < 210; s++) add(s, 'a');
    for (let s = 210; s < 220; s++) add(s, s % 2 ? 'a' : 'b');
    const at = 219_800;
    const points = w.series(at, 60, 1, ['a', 'b']);
    const r = observedSince({ series: { step: 1, points: [points['a']!, points['b']!] } }, at, 60, 209_900)!;
    expect(r.from).toBe(210_000);
    expect(r.destinations).toEqual([{ n: 5, observed: 50 }, { n: 5, observed: 50 }]);
  });
});
