import { describe, expect, it } from 'vitest';
import { parseAccessLine } from '../../../lib/accesslog/parse';
import { burstLine, parseLogBurst, startLogBurst } from './log-burst';

describe('log-burst load switch', () => {
  it('parses <rate>x<seconds>[@tag] and refuses values out of bounds', () => {
    expect(parseLogBurst('1000x5@run1')).toEqual({ rate: 1000, seconds: 5, tag: 'run1' });
    expect(parseLogBurst('20x0.5')).toEqual({ rate: 20, seconds: 0.5, tag: 'burst' });
    expect(() => parseLogBurst('60000x5')).toThrow(/rate/);
    expect(() => parseLogBurst('100x61')).toThrow(/time/);
    expect(() => parseLogBurst('fast')).toThrow(/<lines per second>x<seconds>/);
  });

  it('writes Istio access lines that carry their write time', () => {
    const r = parseAccessLine(burstLine('t1', 42, Date.UTC(2026, 11, 5, 6, 0, 0, 123)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entry.path).toBe(`/logburst/t1/42?w=${Date.UTC(2026, 11, 5, 6, 0, 0, 123)}`);
    expect(r.entry.startTime).toBe('2026-12-05T06:00:00.123Z');
    expect(r.entry.upstreamCluster).toMatch(/^outbound\|80\|v[12]\|web-service\.default\.svc\.cluster\.local$/);
  });

  it('writes rate × seconds lines in order, then stops', async () => {
    const got: string[] = [];
    const written = await new Promise<number>((resolve) => {
      startLogBurst({ rate: 2000, seconds: 0.1, tag: 'x' }, { append: (t) => (got.push(...t.split('\n')), true) }, { tickMs: 5, done: resolve });
    });
    expect(written).toBe(200);
    expect(got.map((l) => Number(/\/logburst\/x\/(\d+)/.exec(l)?.[1]))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('stops when the container log is gone', async () => {
    const written = await new Promise<number>((resolve) => startLogBurst({ rate: 1000, seconds: 10, tag: 'x' }, { append: () => false }, { tickMs: 5, done: resolve }));
    expect(written).toBe(0);
  });
});
