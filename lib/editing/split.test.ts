import { describe, expect, it } from 'vitest';
import { boundaries, evenSplit, moveBoundary, normalize, setWeight, sum, weightsOf } from './split';

describe('weighted split arithmetic', () => {
  it('reads a lone destination without a weight as 100 and missing weights of several as 0', () => {
    expect(weightsOf([{}])).toEqual([100]);
    expect(weightsOf([{ weight: 80 }, {}])).toEqual([80, 0]);
  });

  it('moving the boundary between two destinations keeps the total at 100', () => {
    expect(moveBoundary([80, 20], 0, 50)).toEqual([50, 50]);
    expect(moveBoundary([80, 20], 0, 120)).toEqual([100, 0]);
    expect(moveBoundary([80, 20], 0, -5)).toEqual([0, 100]);
  });

  it('moving a middle boundary of three changes only its two neighbours', () => {
    const ws = moveBoundary([30, 30, 40], 1, 80);
    expect(ws).toEqual([30, 50, 20]);
    expect(sum(ws)).toBe(100);
    expect(moveBoundary([30, 30, 40], 1, 10)).toEqual([30, 0, 70]);
    expect(boundaries([30, 30, 40])).toEqual([30, 60, 100]);
  });

  it('splits evenly with integer weights summing to 100', () => {
    expect(evenSplit(2)).toEqual([50, 50]);
    expect(evenSplit(3)).toEqual([34, 33, 33]);
    expect(sum(evenSplit(7))).toBe(100);
  });

  it('normalizes 60/30 to 67/33 and all zeros to an even split', () => {
    expect(normalize([60, 30])).toEqual([67, 33]);
    expect(normalize([0, 0])).toEqual([50, 50]);
    expect(sum(normalize([1, 1, 1]))).toBe(100);
  });
});

describe('setWeight (a number input per destination)', () => {
  it('gives the rest to the others in proportion, keeping 100', () => {
    expect(setWeight([50, 30, 20], 0, 60)).toEqual([60, 24, 16]);
    expect(setWeight([34, 33, 33], 2, 50)).toEqual([25, 25, 50]);
    expect(sum(setWeight([34, 33, 33], 1, 7))).toBe(100);
  });

  it('shares evenly when the others are all 0, and clamps and rounds the value', () => {
    expect(setWeight([100, 0, 0], 0, 40)).toEqual([40, 30, 30]);
    expect(setWeight([50, 50], 0, 130)).toEqual([100, 0]);
    expect(setWeight([50, 50], 1, -4)).toEqual([100, 0]);
    expect(setWeight([50, 50], 0, 33.6)).toEqual([34, 66]);
  });

  it('leaves the weights alone for an index or value it cannot use', () => {
    expect(setWeight([80, 20], 5, 10)).toEqual([80, 20]);
    expect(setWeight([80, 20], 0, Number.NaN)).toEqual([80, 20]);
  });
});
