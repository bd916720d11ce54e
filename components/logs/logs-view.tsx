'use client';
/**
 * The Logs page: the live access log of every gateway pod, parsed, filtered, virtualized; follow
 * or pause (new lines held and counted), the followers' health (gaps, resumes, restarts), the mesh
 * config's access-log setting, a row's every field, and export of the visible rows as NDJSON.
 */
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { filterError, filterFromQuery, filterToQuery, matchesFilter, type LogFilter } from '@/lib/logs/filter';
import type { LogRecord } from '@/lib/logs/record';
import { LogFilters } from './log-filters';
import { LogTable } from './log-table';
import { MeshAccessLogBanner } from './mesh-access-log-banner';
import { RecordDetail } from './record-detail';
import { MAX_ROWS, TAB_MAX_RATE, useLogTail } from './use-log-tail';

function exportNdjson(rows: LogRecord[]): void {
  const text = rows.map((r) => JSON.stringify({ pod: r.pod, ts: r.ts, kind: r.kind, ...(r.entry ?? {}), raw: r.raw, ...(r.error ? { error: r.error } : {}), ...(r.routeId ? { route: r.routeId } : {}) })).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `gateway-access-log-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The filter as the page applies it: proxy lines only when asked for; an invalid path regex left out (the bar shows why). */
function effectiveFilter(filter: LogFilter, showProxy: boolean): LogFilter {
  const f: LogFilter = showProxy ? { ...filter } : { ...filter, kinds: ['access', 'invalid'] };
  if (filterError(f)) delete f.pathRegex;
  return f;
}

/** `value`, once it has not changed for `ms` (typing in a filter box resubscribes once, not per key). */
function useSettled<T>(value: T, key: string, ms: number): T {
  const [settled, setSettled] = useState({ value, key });
  useEffect(() => {
    if (key === settled.key) return;
    const t = setTimeout(() => setSettled({ value, key }), ms);
    return () => clearTimeout(t);
  }, [value, key, ms, settled.key]);
  return settled.value;
}

export function LogsView() {
  const params = useSearchParams();
  const [filter, setFilter] = useState<LogFilter>(() => filterFromQuery(params.entries()));
  const [showProxy, setShowProxy] = useState(() => params.get('proxy') === '1');
  const [selected, setSelected] = useState<LogRecord | undefined>();
  const applied = useMemo(() => effectiveFilter(filter, showProxy), [filter, showProxy]);
  // The server filters (before the tab's rate cap); the tab filters too, so a change shows at once.
  const settled = useSettled(applied, JSON.stringify(applied), 250);
  const tail = useLogTail(settled);
  // The URL follows the filter and the proxy-lines switch (a reload or a shared link shows the same lines).
  useEffect(() => {
    const q = [filterToQuery(settled), showProxy ? 'proxy=1' : ''].filter(Boolean).join('&');
    if (window.location.search !== (q ? `?${q}` : '')) window.history.replaceState(window.history.state, '', `/logs${q ? `?${q}` : ''}`);
  }, [settled, showProxy]);
  const { records, version, status } = tail;

  const rows = useMemo(
    () => records.filter((r) => matchesFilter(r, applied)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [records, version, applied],
  );
  const followed = Math.max(records.length, status?.totals.lines ?? 0);

  const pods = useMemo(() => (status?.pods ?? []).map((p) => p.pod), [status]);
  const gaps = status?.totals.gaps ?? 0;
  const invalid = status?.totals.invalid ?? 0;

  return (
    <div className="flex h-[calc(100vh-41px)] flex-col gap-2 p-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Access log</h1>
        <span className="text-sm text-slate-500" data-testid="logs-summary" data-server-filter={tail.serverFilter} title={`Filters run on the server, so a narrow filter gets every matching line. This tab keeps the newest ${MAX_ROWS.toLocaleString('en-US')} of them; "of N" counts every line the gateway pods wrote since they were first followed.`}>
          {status ? `${status.pods.length} gateway pod${status.pods.length === 1 ? '' : 's'} followed · ${rows.length} of ${followed} lines shown` : 'Connecting…'}
        </span>
        <div className="ml-auto flex items-center gap-2 text-sm">
          <button
            type="button"
            onClick={() => tail.setPaused(!tail.paused)}
            className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700"
            data-testid="pause"
            aria-pressed={tail.paused}
          >
            {tail.paused ? `Resume (${tail.held} held)` : 'Pause'}
          </button>
          <button type="button" onClick={() => exportNdjson(rows)} className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">
            Export NDJSON
          </button>
          <button type="button" onClick={tail.clear} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
            Clear
          </button>
        </div>
      </div>
      <MeshAccessLogBanner mesh={status?.mesh} />
      <div className="flex flex-wrap gap-2 text-xs" data-testid="followers">
        {(status?.pods ?? []).map((p) => (
          <span
            key={p.pod}
            className={p.state === 'following' ? 'rounded bg-emerald-50 px-2 py-0.5 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100' : 'rounded bg-amber-50 px-2 py-0.5 text-amber-900 dark:bg-amber-950 dark:text-amber-100'}
            title={[p.lastError, ...p.gaps.map((g) => `gap at ${new Date(g.at).toLocaleTimeString()}${g.ms !== undefined ? ` (${g.ms} ms)` : ''}: ${g.reason}${g.recovered ? `, ${g.recovered} lines recovered` : ''}`)].filter(Boolean).join('\n') || undefined}
            data-testid="follower"
            data-state={p.state}
          >
            {p.pod.slice(p.pod.indexOf('/') + 1)} · {p.state} · {p.lines} lines
            {p.gapCount ? ` · ${p.gapCount} gap${p.gapCount === 1 ? '' : 's'} resumed` : ''}
            {p.restarts ? ` · ${p.restarts} restart${p.restarts === 1 ? '' : 's'}` : ''}
          </span>
        ))}
        {gaps ? <span className="text-slate-500" data-testid="gaps">{gaps} interruption{gaps === 1 ? '' : 's'} resumed with sinceTime, {status?.totals.duplicatesSkipped ?? 0} duplicate lines skipped</span> : null}
        {invalid ? <span className="rounded bg-red-50 px-2 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-200">{invalid} unparsed line{invalid === 1 ? '' : 's'}</span> : null}
        {tail.missed ? <span className="rounded bg-amber-100 px-2 py-0.5 text-amber-900" data-testid="missed">{tail.missed.toLocaleString('en-US')} lines not sent to this tab: above {TAB_MAX_RATE.toLocaleString('en-US')} matching lines/s it gets the newest only (`gatescope logs` prints every line)</span> : null}
      </div>
      <LogFilters filter={filter} onChange={setFilter} pods={pods} showProxy={showProxy} onShowProxy={setShowProxy} />
      {tail.error ? (
        <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="logs-error">
          The server refused this filter: {tail.error}
        </p>
      ) : null}
      <div className="flex min-h-0 flex-1 gap-2">
        <LogTable rows={rows} follow={!tail.paused} version={version} selectedSeq={selected?.seq} onSelect={setSelected} onScrolledAway={() => tail.setPaused(true)} />
        {selected ? <RecordDetail record={selected} onClose={() => setSelected(undefined)} /> : null}
      </div>
    </div>
  );
}
