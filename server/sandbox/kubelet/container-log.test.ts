import { describe, expect, it } from 'vitest';
import { ContainerLog, formatTimestamp, parseTimestamp } from './container-log';

const clock = () => {
  let ns = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
  return () => (ns += 1_500_000_000n);
};

describe('ContainerLog', () => {
  it('keeps the newest lines when full, in order', () => {
    const log = new ContainerLog(3, clock());
    for (let i = 1; i <= 5; i++) log.append(`l${i}`);
    expect(log.read().map((l) => l.text)).toEqual(['l3', 'l4', 'l5']);
  });

  it('splits multi-line writes and drops one trailing newline', () => {
    const log = new ContainerLog(10, clock());
    log.append('a\nb\n');
    expect(log.read().map((l) => l.text)).toEqual(['a', 'b']);
  });

  it('filters by time, then keeps the last tailLines', () => {
    const log = new ContainerLog(10, clock());
    for (let i = 1; i <= 4; i++) log.append(`l${i}`);
    const [, second] = log.read();
    expect(log.read({ sinceNs: second!.ns }).map((l) => l.text)).toEqual(['l2', 'l3', 'l4']);
    expect(log.read({ sinceNs: second!.ns, tailLines: 1 }).map((l) => l.text)).toEqual(['l4']);
    expect(log.read({ tailLines: 0 })).toEqual([]);
  });

  it('formats timestamps as RFC3339 with nine fractional digits, and parses them back', () => {
    const ts = formatTimestamp(1_767_225_601_123_456_789n);
    expect(ts).toBe('2026-01-01T00:00:01.123456789Z');
    expect(parseTimestamp(ts)).toBe(1_767_225_601_123_456_789n);
    expect(parseTimestamp('2026-01-01T00:00:01Z')).toBe(1_767_225_601_000_000_000n);
    expect(parseTimestamp('2026-01-01T02:00:01+02:00')).toBe(1_767_225_601_000_000_000n);
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('followers get new lines across a rotation; a cut ends them once; stop ends the rest', () => {
    const log = new ContainerLog(10, clock());
    log.append('old');
    const seen: string[] = [];
    const ends: string[] = [];
    log.follow({ line: (l) => seen.push(l.text), end: (why) => ends.push(why) });
    log.append('one');
    log.rotate();
    log.append('two');
    expect(seen).toEqual(['one', 'two']);
    expect(log.read().map((l) => l.text)).toEqual(['two']);
    expect(log.cutFollowers()).toBe(1);
    log.follow({ line: (l) => seen.push(l.text), end: (why) => ends.push(why) });
    log.stop();
    log.append('ignored');
    expect(ends).toEqual(['cut', 'stopped']);
    expect(seen).toEqual(['one', 'two']);
  });
});
