import { describe, expect, it } from 'vitest';
import { humanDuration, parseRfc3339 } from './human-duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('humanDuration (k8s.io/apimachinery duration.HumanDuration)', () => {
  it.each([
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [5 * M, '5m'],
    [70 * M, '70m'],
    [3 * H + 20 * M, '3h20m'],
    [5 * H, '5h'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
    [-1500, '0s'],
    [-3 * S, '<invalid>'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('parseRfc3339', () => {
  it('reads nanosecond timestamps and offsets', () => {
    expect(parseRfc3339('2025-06-12T09:43:55.412337905Z')).toBe(Date.UTC(2025, 5, 12, 9, 43, 55, 412));
    expect(parseRfc3339('2025-06-12T11:43:55+02:00')).toBe(Date.UTC(2025, 5, 12, 9, 43, 55));
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62135596800000);
    expect(parseRfc3339('yesterday')).toBeUndefined();
  });
});
