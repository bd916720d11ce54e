import { describe, expect, it } from 'vitest';
import { timestampKey } from './pod-follower';

describe('timestampKey', () => {
  it('orders RFC3339 timestamps of any fraction length as times', () => {
    const keys = ['2026-12-05T06:00:01Z', '2026-12-05T06:00:00.5Z', '2026-12-05T06:00:00.123456789Z', '2026-12-05T06:00:00.12Z'].map(timestampKey);
    expect(keys).toEqual(['2026-12-05T06:00:01.000000000Z', '2026-12-05T06:00:00.500000000Z', '2026-12-05T06:00:00.123456789Z', '2026-12-05T06:00:00.120000000Z']);
    expect([...keys].sort()).toEqual([keys[3], keys[2], keys[1], keys[0]]);
    // An offset is converted to UTC.
    expect(timestampKey('2026-12-05T07:00:00.250+01:00')).toBe('2026-12-05T06:00:00.250000000Z');
  });
});
