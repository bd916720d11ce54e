import { describe, expect, it } from 'vitest';
import { checkWeights, normalizeWeights, pickWeighted, roundPercents } from './weights';

describe('weights', () => {
  it('gives a lone destination 100 % whatever its weight', () => {
    expect(normalizeWeights([{}])).toEqual([{ effectiveWeight: 100, percent: 100 }]);
    expect(normalizeWeights([{ weight: 30 }])[0]!.percent).toBe(100);
  });

  it('shares relative weights and leaves zero-weight destinations out', () => {
    expect(normalizeWeights([{ weight: 80 }, { weight: 20 }]).map((d) => d.percent)).toEqual([80, 20]);
    expect(normalizeWeights([{ weight: 1 }, { weight: 3 }]).map((d) => d.percent)).toEqual([25, 75]);
    expect(normalizeWeights([{ weight: 100 }, {}]).map((d) => d.percent)).toEqual([100, 0]);
    expect(normalizeWeights([{}, {}]).map((d) => d.percent)).toEqual([0, 0]);
  });

  it('checks weights as Istio validation does, and notes a sum other than 100', () => {
    expect(checkWeights([{ weight: 80 }, { weight: 20 }])).toEqual({ errors: [], notes: [] });
    expect(checkWeights([{}, {}]).errors).toEqual(['the destinations have no weight: with several destinations the weights must add up to more than 0']);
    expect(checkWeights([{ weight: -1 }]).errors[0]).toContain('cannot be negative');
    expect(checkWeights([{ weight: 70 }, { weight: 20 }]).notes[0]).toBe(
      'the weights add up to 90, not 100: Istio sends each destination weight/90 of the traffic (weights are relative since Istio 1.15)',
    );
    expect(checkWeights([{ weight: 100 }, { weight: 0 }]).notes).toEqual(['destination 1 has weight 0 and receives no traffic']);
  });

  it('picks by cumulative weight with the randomness passed in', () => {
    const d = [{ weight: 80 }, { weight: 20 }];
    expect(pickWeighted(d, 0)).toBe(0);
    expect(pickWeighted(d, 0.7999)).toBe(0);
    expect(pickWeighted(d, 0.8)).toBe(1);
    expect(pickWeighted(d, 0.999999)).toBe(1);
    expect(pickWeighted([{ weight: 0 }, { weight: 5 }], 0)).toBe(1);
    expect(pickWeighted([{}, {}], 0.5)).toBeUndefined();
    expect(pickWeighted([{}], 0.5)).toBe(0);
    const counts = [0, 0];
    for (let i = 0; i < 1000; i++) counts[pickWeighted(d, i / 1000)!]!++;
    expect(counts).toEqual([800, 200]);
  });

  it('rounds shares to whole percents that add up to 100', () => {
    expect(roundPercents([100 / 3, 100 / 3, 100 / 3])).toEqual([34, 33, 33]);
    expect(roundPercents([80, 20])).toEqual([80, 20]);
  });
});
