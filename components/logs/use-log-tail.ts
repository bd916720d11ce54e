'use client';
/**
 * The live tail of every gateway pod (the `logs` topic): a bounded buffer of records in arrival
 * order, the followers' status, pause (new records are held and counted, then appended on resume)
 * and what the server could not deliver (`missed`, `dropped`). Renders at most once per frame.
 *
 * The filter runs on the server (the subscription's params), before the tab's rate cap: a narrow
 * filter sees every matching line even when the gateways write far more than the tab can take.
 * A new filter resubscribes; the server's snapshot (its newest matching lines) joins the older
 * rows the tab already had that match.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServerMessage } from '@/lib/stream/protocol';
import { isEmptyFilter, matchesFilter, type LogFilter } from '@/lib/logs/filter';
import type { LogRecord } from '@/lib/logs/record';
import { getStreamClient } from '@/components/data/stream';
import type { LogsStatusJson } from './types';

export const MAX_ROWS = 10_000;
/**
 * Lines a second this tab asks the server for (server/logs/publish.ts `maxRate`): what one tab parses
 * and renders while staying fresh (bench/logs-browser.bench.ts). Above it the server sends the
 * newest matching lines and counts the rest as missed.
 */
export const TAB_MAX_RATE = 5_000;
/** Snapshot size asked for under a filter (the server's most; its ring holds 5,000 lines). */
const FILTERED_SNAPSHOT = 5_000;
const MAX_HELD = 50_000;

interface Snapshot {
  records: LogRecord[];
  status: LogsStatusJson;
}
interface Batch {
  records: LogRecord[];
  missed?: number;
  status?: LogsStatusJson;
}

export interface LogTail {
  records: LogRecord[];
  status?: LogsStatusJson;
  /** Bumps on every change (for memo keys). */
  version: number;
  paused: boolean;
  held: number;
  /** Records the server could not deliver to this tab (it fell behind). */
  missed: number;
  connected: boolean;
  /** The server refused the subscription (its message). */
  error?: string;
  /** The filter (as JSON) the server's stream now follows: set when its snapshot arrived. */
  serverFilter?: string;
  setPaused(p: boolean): void;
  clear(): void;
}

/** `filter` runs on the server; pass a stable object (a new identity with the same content does not resubscribe). */
export function useLogTail(filter: LogFilter = {}): LogTail {
  // Mutable buffers outside React state (appended at stream rate); a copy is rendered once per frame.
  const buf = useRef<LogRecord[]>([]);
  const heldRef = useRef<LogRecord[]>([]);
  const pausedRef = useRef(false);
  const [status, setStatus] = useState<LogsStatusJson>();
  const [view, setView] = useState<{ records: LogRecord[]; version: number }>({ records: [], version: 0 });
  const [missed, setMissed] = useState(0);
  const [held, setHeld] = useState(0);
  const [paused, setPausedState] = useState(false);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string>();
  const [serverFilter, setServerFilter] = useState<string>();
  const frame = useRef<number | undefined>(undefined);
  const filterKey = JSON.stringify(filter);

  const bump = useCallback(() => {
    if (frame.current !== undefined) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = undefined;
      setView((v) => ({ records: buf.current.slice(), version: v.version + 1 }));
      setHeld(heldRef.current.length);
    });
  }, []);

  const append = useCallback((records: LogRecord[]) => {
    const b = buf.current;
    const lastSeq = b.at(-1)?.seq ?? 0;
    for (const r of records) if (r.seq > lastSeq) b.push(r);
    if (b.length > MAX_ROWS) b.splice(0, b.length - MAX_ROWS);
  }, []);

  useEffect(() => {
    const f = JSON.parse(filterKey) as LogFilter;
    const filtered = !isEmptyFilter(f);
    // Until this subscription's snapshot: events still in flight for the previous filter are not ours.
    let awaitingSnapshot = true;
    let first = true;
    const client = getStreamClient();
    const off = client.subscribe(
      'logs',
      (msg: ServerMessage) => {
        if (msg.type === 'snapshot') {
          const s = msg.data as Snapshot;
          awaitingSnapshot = false;
          setError(undefined);
          setServerFilter(filterKey);
          // A server that restarted counts from 1 again: start over rather than ignore its lines.
          if (s.status.seq < (buf.current.at(-1)?.seq ?? 0)) {
            buf.current = [];
            heldRef.current = [];
          }
          if (first) {
            // A new subscription (mount, or a new filter): the rows we had that match it and are
            // older than the snapshot, then the snapshot. Its holes are lines of other filters.
            first = false;
            const from = s.records[0]?.seq ?? s.status.seq + 1;
            const keep = (r: LogRecord) => r.seq < from && matchesFilter(r, f);
            const merged = [...buf.current.filter(keep), ...heldRef.current.filter(keep), ...s.records];
            // Paused, what is newer than the last row shown stays held.
            const lastShown = pausedRef.current ? (buf.current.at(-1)?.seq ?? 0) : Infinity;
            buf.current = merged.filter((r) => r.seq <= lastShown);
            heldRef.current = merged.filter((r) => r.seq > lastShown);
            if (buf.current.length > MAX_ROWS) buf.current.splice(0, buf.current.length - MAX_ROWS);
          } else {
            // A reconnect: keep what we had, then the snapshot's newer records. Unfiltered, a hole
            // in the sequence numbers is lines this tab never got.
            const lastSeq = Math.max(buf.current.at(-1)?.seq ?? 0, heldRef.current.at(-1)?.seq ?? 0);
            if (!filtered && s.records.length && s.records[0]!.seq > lastSeq + 1 && lastSeq > 0) setMissed((m) => m + (s.records[0]!.seq - lastSeq - 1));
            if (pausedRef.current) heldRef.current.push(...s.records.filter((r) => r.seq > lastSeq));
            else append(s.records);
          }
          setStatus(s.status);
          setConnected(true);
          bump();
        } else if (msg.type === 'error') {
          setError(msg.message);
        } else if (msg.type === 'event') {
          if (awaitingSnapshot) return;
          const ev = msg.data as Batch;
          if (ev.missed) setMissed((m) => m + ev.missed!);
          if (ev.status) setStatus(ev.status);
          if (ev.records.length) {
            if (pausedRef.current) {
              heldRef.current.push(...ev.records);
              if (heldRef.current.length > MAX_HELD) heldRef.current.splice(0, heldRef.current.length - MAX_HELD);
            } else append(ev.records);
          }
          bump();
        } else if (msg.type === 'dropped') {
          setMissed((m) => m + msg.count);
        }
      },
      { ...f, maxRate: TAB_MAX_RATE, ...(filtered ? { limit: FILTERED_SNAPSHOT } : {}) },
    );
    return () => {
      off();
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
    };
  }, [append, bump, filterKey]);

  const setPaused = useCallback(
    (p: boolean) => {
      pausedRef.current = p;
      setPausedState(p);
      if (!p && heldRef.current.length) {
        append(heldRef.current);
        heldRef.current = [];
      }
      bump();
    },
    [append, bump],
  );

  const clear = useCallback(() => {
    buf.current = [];
    heldRef.current = [];
    bump();
  }, [bump]);

  return { records: view.records, status, version: view.version, paused, held, missed, connected, ...(error ? { error } : {}), ...(serverFilter !== undefined ? { serverFilter } : {}), setPaused, clear };
}
