'use client';
/**
 * The virtualized log table: one fixed-height row per record (only the visible ones are in the
 * DOM), sticking to the bottom while following. Access lines show parsed columns; a line the
 * parser could not read is shown in red with the reason; the proxy's own log lines are dimmed.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { describeFlags } from '@/lib/accesslog/response-flags';
import type { LogRecord } from '@/lib/logs/record';
import { cn } from '@/components/ui/cn';

const ROW = 26;
export const GRID = 'grid grid-cols-[92px_150px_52px_minmax(0,1fr)_46px_64px_56px_170px_110px] gap-2';

function time(ts: string | undefined): string {
  if (!ts) return '';
  const m = /T(\d{2}:\d{2}:\d{2})(\.\d{3})?/.exec(ts);
  return m ? `${m[1]}${m[2] ?? ''}` : ts;
}

function statusStyle(code: number | undefined): string {
  if (code === undefined) return '';
  if (code === 0 || code >= 500) return 'text-red-700 dark:text-red-400 font-semibold';
  if (code >= 400) return 'text-amber-700 dark:text-amber-400 font-semibold';
  if (code >= 300) return 'text-sky-700 dark:text-sky-400';
  return 'text-emerald-700 dark:text-emerald-400';
}

const podName = (pod: string) => pod.slice(pod.indexOf('/') + 1);

function upstreamLabel(r: LogRecord): string {
  const uc = r.entry?.upstreamCluster;
  if (!uc) return '';
  const parts = uc.split('|');
  if (parts.length === 4) return `${parts[3]!.replace(/\.svc\.cluster\.local$/, '')}${parts[2] ? ` / ${parts[2]}` : ''}`;
  return uc;
}

const routeLabel = (id: string | undefined) => (id ? id.replace(/^route:/, '') : '');

function Row({ r, onSelect, selected }: { r: LogRecord; onSelect(r: LogRecord): void; selected: boolean }) {
  const e = r.entry;
  const base = cn('h-[26px] items-center px-3 font-mono text-xs cursor-pointer border-b border-slate-100 dark:border-slate-800', selected && 'bg-sky-100 dark:bg-sky-950');
  if (r.kind !== 'access' || !e) {
    return (
      <div
        className={cn(base, 'flex gap-2', r.kind === 'invalid' ? 'bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-200' : 'text-slate-400')}
        data-testid="log-row"
        data-kind={r.kind}
        data-pod={podName(r.pod)}
        title={r.error ? `${r.error}\n\n${r.raw}` : r.raw}
        onClick={() => onSelect(r)}
      >
        <span className="w-[92px] shrink-0">{time(r.ts)}</span>
        <span className="w-[150px] shrink-0 truncate [direction:rtl] text-left">{podName(r.pod)}</span>
        {r.kind === 'invalid' ? <span className="shrink-0 rounded bg-red-200 px-1 text-[10px] font-semibold uppercase dark:bg-red-900">unparsed</span> : <span className="shrink-0 text-[10px] uppercase">proxy</span>}
        <span className="truncate">{r.raw}</span>
      </div>
    );
  }
  const flags = describeFlags(e.responseFlags);
  return (
    <div
      className={cn(base, GRID, 'hover:bg-slate-50 dark:hover:bg-slate-900')}
      data-testid="log-row"
      data-kind="access"
      data-status={e.responseCode ?? ''}
      data-pod={podName(r.pod)}
      onClick={() => onSelect(r)}
    >
      <span>{time(r.ts ?? e.startTime)}</span>
      <span className="truncate [direction:rtl] text-left" title={r.pod}>
        {podName(r.pod)}
      </span>
      <span>{e.method ?? (e.protocol ? '' : 'TCP')}</span>
      <span className="truncate" title={`${e.authority ?? ''}${e.path ?? ''}`}>
        <span className="text-slate-500">{e.authority ?? ''}</span>
        {e.path ?? ''}
      </span>
      <span className={statusStyle(e.responseCode)} data-testid="log-status">
        {e.responseCode ?? ''}
      </span>
      <span className="truncate text-amber-700 dark:text-amber-300" title={flags.map((f) => `${f.code} (${f.name}): ${f.meaning}`).join('\n') || undefined}>
        {flags.length ? flags.map((f) => f.code).join(',') : ''}
      </span>
      <span className="text-right">{e.duration !== undefined ? `${e.duration} ms` : ''}</span>
      <span className="truncate" title={e.upstreamCluster}>
        {upstreamLabel(r)}
      </span>
      <span className="truncate text-slate-500" title={r.routeId}>
        {routeLabel(r.routeId)}
      </span>
    </div>
  );
}

export function LogTable({ rows, follow, version, selectedSeq, onSelect, onScrolledAway }: { rows: LogRecord[]; follow: boolean; version: number; selectedSeq?: number; onSelect(r: LogRecord): void; onScrolledAway(): void }) {
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 8 });
  const programmatic = useRef(false);

  // Following: stick to the bottom with one scrollTop write (the virtualizer's scrollToIndex
  // re-measures the scroll height over several frames, a forced layout each, at every batch).
  useEffect(() => {
    const el = parent.current;
    if (!follow || rows.length === 0 || !el) return;
    const bottom = el.scrollHeight - el.clientHeight;
    if (el.scrollTop !== bottom) {
      programmatic.current = true;
      el.scrollTop = bottom;
    }
  }, [follow, rows.length, version]);

  return (
    <div className="min-h-0 flex-1 overflow-hidden rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950" data-testid="log-table">
      <div className={cn(GRID, 'border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-[11px] font-semibold uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:bg-slate-900')}>
        <span>Time</span>
        <span>Pod</span>
        <span>Method</span>
        <span>Authority · path</span>
        <span>Status</span>
        <span>Flags</span>
        <span className="text-right">Duration</span>
        <span>Upstream</span>
        <span>Route</span>
      </div>
      <div
        ref={parent}
        className="h-[calc(100%-29px)] overflow-auto [contain:strict]"
        onScroll={(ev) => {
          if (programmatic.current) {
            programmatic.current = false;
            return;
          }
          const el = ev.currentTarget;
          if (el.scrollHeight - el.scrollTop - el.clientHeight > ROW * 2) onScrolledAway();
        }}
      >
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            return (
              // Keyed by slot, not by record: while following, every batch shifts the rows, and
              // updating a slot's text is far cheaper than removing and creating every row.
              <div key={item.index % 128} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)` }}>
                <Row r={r} onSelect={onSelect} selected={r.seq === selectedSeq} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
