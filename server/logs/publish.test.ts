/**
 * The `logs` and `traffic` topics: filtered snapshot, batched events in order, a bounded queue per
 * subscriber (what does not fit is counted as `missed`, never buffered without bound), windows.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/logs/record';
import { TrafficAggregator } from '../../lib/traffic/aggregate';
import { until } from '../sandbox/test-support/kubectl';
import type { Hub, TopicProvider, TopicSink } from '../stream/hub';
import type { GatewayLogs, LogsStatus } from './gateway-logs';
import { publishLogs, publishTraffic, type LogsEvent, type LogsSnapshot } from './publish';

function fakeLogs() {
  const listeners = new Set<(r: LogRecord[]) => void>();
  const recent: LogRecord[] = [];
  let seq = 0;
  const status = (): LogsStatus => ({ pods: [], totals: { lines: seq, access: seq, proxy: 0, invalid: 0, duplicatesSkipped: 0, gaps: 0 }, mesh: { enabled: true, source: 'configmap', file: '/dev/stdout' }, seq });
  const make = (code: number): LogRecord => ({ seq: ++seq, pod: 'istio-system/gw-a', kind: 'access', raw: `line ${seq}`, entry: { responseCode: code, method: 'GET', path: `/${seq}` } });
  return {
    logs: {
      recent: (n?: number) => (n === undefined ? recent.slice() : recent.slice(-n)),
      status,
      onRecords: (fn: (r: LogRecord[]) => void) => (listeners.add(fn), () => listeners.delete(fn)),
      onStatus: () => () => undefined,
      traffic: new TrafficAggregator([]),
    } as unknown as GatewayLogs,
    push(codes: number[]) {
      const batch = codes.map(make);
      recent.push(...batch);
      for (const fn of listeners) fn(batch);
    },
    listeners,
  };
}

function fakeHub() {
  const providers = new Map<string, TopicProvider>();
  return { hub: { register: (t: string, p: TopicProvider) => providers.set(t, p) } as unknown as Hub, providers };
}

function recordingSink() {
  const snapshots: Array<{ v: number; data: unknown }> = [];
  const events: Array<{ v: number; data: LogsEvent }> = [];
  const sink: TopicSink = { snapshot: (v, data) => snapshots.push({ v, data }), event: (v, data) => events.push({ v, data: data as LogsEvent }), error: () => undefined };
  return { sink, snapshots, events };
}

describe('publishLogs', () => {
  it('sends a filtered snapshot, then filtered records in order in batches', async () => {
    const f = fakeLogs();
    const { hub, providers } = fakeHub();
    publishLogs(hub, f.logs, { flushMs: 5 });
    f.push([200, 404, 200, 404]);
    const { sink, snapshots, events } = recordingSink();
    const stop = providers.get('logs')!.subscribe({ status: ['404'] }, sink, 'logs');
    expect((snapshots[0]!.data as LogsSnapshot).records.map((r) => r.seq)).toEqual([2, 4]);
    f.push([404, 200, 404]);
    await until(() => events.length >= 1, 'an event');
    expect(events[0]!.data.records.map((r) => r.seq)).toEqual([5, 7]);
    expect(events[0]!.v).toBe(7);
    stop();
    expect(f.listeners.size).toBe(0);
  });

  it('filters by a path regex, and refuses an invalid one with RE2’s reason', async () => {
    const f = fakeLogs();
    const { hub, providers } = fakeHub();
    publishLogs(hub, f.logs, { flushMs: 5 });
    f.push([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    const { sink, snapshots } = recordingSink();
    providers.get('logs')!.subscribe({ pathRegex: '^/1[0-9]$' }, sink, 'logs')();
    expect((snapshots[0]!.data as LogsSnapshot).records.map((r) => r.entry?.path)).toEqual(['/10', '/11', '/12']);
    expect(() => providers.get('logs')!.subscribe({ pathRegex: '^/(1' }, sink, 'logs')).toThrow(/invalid path regex '\^\/\(1': .*missing closing \)/);
    expect(f.listeners.size).toBe(0);
  });

  it('bounds a subscriber queue: past 5,000 pending the oldest are dropped and counted as missed', async () => {
    const f = fakeLogs();
    const { hub, providers } = fakeHub();
    publishLogs(hub, f.logs, { flushMs: 20 });
    const { sink, events } = recordingSink();
    const stop = providers.get('logs')!.subscribe(undefined, sink, 'logs');
    f.push(new Array(7_000).fill(200));
    await until(() => events.reduce((a, e) => a + e.data.records.length, 0) >= 5_000, 'the queued records');
    const delivered = events.flatMap((e) => e.data.records.map((r) => r.seq));
    expect(delivered).toHaveLength(5_000);
    expect(delivered[0]).toBe(2_001);
    expect(events[0]!.data.missed).toBe(2_000);
    expect(events.every((e) => e.data.records.length <= 2_000)).toBe(true);
    stop();
  });
});

describe('publishLogs maxRate', () => {
  it('sends a subscriber at most maxRate lines a second, the newest, and counts the rest as missed', async () => {
    const f = fakeLogs();
    const { hub, providers } = fakeHub();
    publishLogs(hub, f.logs, { flushMs: 20 });
    const { sink, events } = recordingSink();
    const stop = providers.get('logs')!.subscribe({ maxRate: 1_000, limit: 0 }, sink, 'logs');
    f.push(new Array(5_000).fill(200));
    await until(() => events.length >= 1, 'an event');
    const delivered = events.flatMap((e) => e.data.records.map((r) => r.seq));
    // A quarter second's worth at once (the bucket), the newest.
    expect(delivered).toHaveLength(250);
    expect(delivered[0]).toBe(4_751);
    expect(delivered.at(-1)).toBe(5_000);
    expect(events[0]!.data.missed).toBe(4_750);
    // Without maxRate a subscriber is only bounded by its queue.
    const other = recordingSink();
    const stop2 = providers.get('logs')!.subscribe({ limit: 0 }, other.sink, 'logs');
    f.push(new Array(3_000).fill(200));
    await until(() => other.events.reduce((a, e) => a + e.data.records.length, 0) >= 3_000, 'every record');
    expect(other.events.some((e) => e.data.missed)).toBe(false);
    stop();
    stop2();
  });
});

describe('publishTraffic', () => {
  it('serves the windows 10/60/300/900 s and refuses others', () => {
    const f = fakeLogs();
    const { hub, providers } = fakeHub();
    publishTraffic(hub, f.logs, { intervalMs: 60_000 });
    const { sink, snapshots } = recordingSink();
    const stop = providers.get('traffic/')!.subscribe(undefined, sink, 'traffic/300');
    expect(snapshots[0]!.data).toMatchObject({ seconds: 300, routes: [], mesh: { enabled: true } });
    stop();
    expect(() => providers.get('traffic/')!.subscribe(undefined, sink, 'traffic/7')).toThrow(/one of 10, 60, 300, 900/);
  });
});
