/**
 * Hub topics of the log followers:
 * - `logs`: a snapshot of the newest records (filtered by the subscription's params, see
 *   lib/logs/filter) with the followers' status, then events with the new records in batches
 *   (at most every 100 ms). A subscriber's queue is bounded: past it, the oldest pending records
 *   are dropped and the next event says how many (`missed`). `maxRate` (lines/s, ≥ 100) caps what
 *   one subscriber is sent: a browser tab cannot take in 10,000 parsed lines a second and stay
 *   fresh (the WebSocket's TCP never pushes back: Chromium queues the messages for a busy page), so
 *   above its rate it gets the newest lines and a `missed` count instead of an ever older backlog.
 * - `traffic` and `traffic/<seconds>` (10, 60, 300, 900): lib/traffic's aggregates over that
 *   window, once a second while subscribed.
 */
import { filterError, filterFromParams, isEmptyFilter, matchesFilter } from '../../lib/logs/filter';
import type { LogRecord } from '../../lib/logs/record';
import type { Hub } from '../stream/hub';
import type { GatewayLogs, LogsStatus } from './gateway-logs';

export const LOGS_SNAPSHOT_DEFAULT = 2_000;
const MAX_PENDING = 5_000;
const MAX_BATCH = 2_000;
export const TRAFFIC_WINDOWS = [10, 60, 300, 900] as const;

export interface LogsSnapshot {
  records: LogRecord[];
  status: LogsStatus;
}

export interface LogsEvent {
  records: LogRecord[];
  /** Records this subscriber did not receive because it fell behind. */
  missed?: number;
  status?: LogsStatus;
}

export function publishLogs(hub: Hub, logs: GatewayLogs, opts: { flushMs?: number; now?: () => number } = {}): void {
  const flushMs = opts.flushMs ?? 100;
  hub.register('logs', {
    subscribe(params, sink) {
      const filter = filterFromParams(params);
      const bad = filterError(filter);
      if (bad) throw new Error(bad);
      const all = isEmptyFilter(filter);
      const limitParam = typeof params?.['limit'] === 'number' ? params['limit'] : LOGS_SNAPSHOT_DEFAULT;
      const limit = Math.max(0, Math.min(5_000, Math.floor(limitParam)));
      const initial = (all ? logs.recent(limit) : logs.recent().filter((r) => matchesFilter(r, filter)).slice(-limit)) as LogRecord[];
      let version = logs.status().seq;
      sink.snapshot(version, { records: initial, status: logs.status() } satisfies LogsSnapshot);
      let pending: LogRecord[] = [];
      let missed = 0;
      const maxRate = typeof params?.['maxRate'] === 'number' && params['maxRate'] >= 100 ? params['maxRate'] : undefined;
      // Token bucket: refills at maxRate per second and holds a quarter second's worth, so a burst
      // reaches the tab as a steady stream rather than one large batch.
      const bucket = maxRate !== undefined ? maxRate / 4 : 0;
      let tokens = bucket;
      let refilledAt = Date.now();
      let statusDirty = false;
      // Per-line totals (lines, unparsed, duplicates) ride along at most once a second; follower state changes at once.
      let statusSentAt = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const schedule = () => {
        if (!timer) timer = setTimeout(flush, flushMs);
      };
      const flush = () => {
        timer = undefined;
        if (pending.length === 0 && !statusDirty && missed === 0) return;
        if (maxRate !== undefined) {
          const t = Date.now();
          tokens = Math.min(bucket, tokens + ((t - refilledAt) / 1000) * maxRate);
          refilledAt = t;
          const allowed = Math.min(MAX_BATCH, Math.floor(tokens));
          if (pending.length > allowed) {
            missed += pending.length - allowed;
            pending = pending.slice(pending.length - allowed);
          }
          tokens -= pending.length;
        }
        const records = pending.length > MAX_BATCH ? pending.slice(0, MAX_BATCH) : pending;
        pending = pending.length > MAX_BATCH ? pending.slice(MAX_BATCH) : [];
        const ev: LogsEvent = { records };
        if (missed) ev.missed = missed;
        if (statusDirty) {
          ev.status = logs.status();
          statusSentAt = Date.now();
        }
        missed = 0;
        statusDirty = false;
        version = Math.max(version, records.at(-1)?.seq ?? version);
        sink.event(version, ev);
        if (pending.length) schedule();
      };
      const offRecords = logs.onRecords((batch) => {
        for (const r of batch) if (all || matchesFilter(r, filter)) pending.push(r);
        if (!statusDirty && (Date.now() - statusSentAt >= 1_000 || batch.some((r) => r.kind === 'invalid'))) statusDirty = true;
        if (pending.length > MAX_PENDING) {
          missed += pending.length - MAX_PENDING;
          pending = pending.slice(pending.length - MAX_PENDING);
        }
        schedule();
      });
      const offStatus = logs.onStatus(() => {
        statusDirty = true;
        schedule();
      });
      return () => {
        offRecords();
        offStatus();
        if (timer) clearTimeout(timer);
      };
    },
  });
}

export function publishTraffic(hub: Hub, logs: GatewayLogs, opts: { intervalMs?: number; now?: () => number } = {}): void {
  const now = opts.now ?? Date.now;
  const intervalMs = opts.intervalMs ?? 1_000;
  let version = 0;
  const cache = new Map<number, { at: number; data: unknown }>();
  const compute = (seconds: number) => {
    const t = now();
    const hit = cache.get(seconds);
    if (hit && t - hit.at < intervalMs / 2) return hit.data;
    const data = { ...logs.traffic.snapshot(t, seconds, { seriesStep: Math.max(1, Math.round(seconds / 60)) }), mesh: logs.status().mesh, pods: logs.status().pods.length };
    cache.set(seconds, { at: t, data });
    return data;
  };
  const provider = {
    subscribe(_params: Record<string, unknown> | undefined, sink: { snapshot(v: number, d: unknown): void }, topic: string) {
      const suffix = topic.startsWith('traffic/') ? Number(topic.slice('traffic/'.length)) : 60;
      if (!(TRAFFIC_WINDOWS as readonly number[]).includes(suffix)) throw new Error(`traffic window must be one of ${TRAFFIC_WINDOWS.join(', ')} seconds`);
      sink.snapshot(++version, compute(suffix));
      const timer = setInterval(() => sink.snapshot(++version, compute(suffix)), intervalMs);
      return () => clearInterval(timer);
    },
  };
  hub.register('traffic', provider);
  hub.register('traffic/', provider);
}
