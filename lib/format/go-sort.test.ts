import { describe, expect, it } from 'vitest';
import { compareGoStrings, goSortSlice, goSortStrings, goStringLess } from './go-sort';

/** A deterministic pseudo-random sequence for the property checks (no Math.random in tests either). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

describe('goSortSlice', () => {
  it('sorts like any correct sort when keys are distinct, at every size and shape', () => {
    const next = lcg(7);
    for (const n of [0, 1, 2, 12, 13, 49, 50, 51, 200, 1000]) {
      const shapes = [
        Array.from({ length: n }, () => next() % 100000),
        Array.from({ length: n }, (_, i) => i),
        Array.from({ length: n }, (_, i) => n - i),
        Array.from({ length: n }, (_, i) => (i % 2 ? i : n - i)),
      ];
      for (const a of shapes) {
        const unique = [...new Set(a)];
        expect(goSortSlice([...unique], (x, y) => x < y)).toEqual([...unique].sort((x, y) => x - y));
      }
    }
  });

  it('handles many duplicates (partitionEqual, heap sort fallback) and keeps every element', () => {
    const next = lcg(3);
    const a = Array.from({ length: 5000 }, (_, i) => ({ k: next() % 4, i }));
    const sorted = goSortSlice([...a], (x, y) => x.k < y.k);
    expect(sorted.map((x) => x.k)).toEqual([...a].map((x) => x.k).sort((x, y) => x - y));
    expect(new Set(sorted.map((x) => x.i)).size).toBe(5000);
  });

  it('is an insertion sort up to 12 elements: stable, and a "false" answer stops an element', () => {
    const items = ['b1', 'a1', 'b2', 'a2'];
    expect(goSortSlice([...items], (x, y) => x[0]! < y[0]!)).toEqual(['a1', 'a2', 'b1', 'b2']);
    // istioctl's route sort: non-numeric names never compare less, numeric ones sort among themselves.
    const names = ['http.8080', '9080', '80', 'backend', '15010', '443'];
    const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
    const less = (x: string, y: string) => {
      const i = num(x);
      const j = num(y);
      return i !== undefined && j !== undefined && i < j;
    };
    expect(goSortSlice([...names], less)).toEqual(['http.8080', '80', '9080', 'backend', '443', '15010']);
  });
});

describe('Go string order', () => {
  it('compares by code point', () => {
    expect(goStringLess('a', 'b')).toBe(true);
    expect(goStringLess('ab', 'a')).toBe(false);
    expect(compareGoStrings('\uffff', '😀')).toBe(-1); // U+FFFF < U+1F600, though '\uffff' > '\ud83d' in UTF-16
    expect('\uffff' < '😀').toBe(false);
    expect(goSortStrings(['b', 'B', '😀', '\uffff', 'a'])).toEqual(['B', 'a', 'b', '\uffff', '😀']);
  });
});
