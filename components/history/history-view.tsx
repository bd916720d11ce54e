'use client';
/**
 * The change history of Gateways, VirtualServices and DestinationRules as the console saw it
 * (the `history` topic, server/history): a timeline, newest first, each version with who made
 * it (field manager) and what changed; revert to any version through dry-run → apply.
 * `/history?resource=virtualservices/default/web-service` shows one object.
 */
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { DiffList } from '@/components/forms/diff-list';
import { cn } from '@/components/ui/cn';
import { entryKey, type HistorySummary } from '@/lib/history/versions';
import { RevertPanel } from './revert-panel';

interface Listing {
  entries: HistorySummary[];
  evicted: number;
  limits: { perObject: number; total: number };
}

const EVENT_STYLE: Record<HistorySummary['event'], string> = {
  listed: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  created: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  updated: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
  deleted: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
};
const mono = 'font-mono text-xs';
const time = (iso?: string) => (iso ? new Date(iso).toLocaleTimeString() : '');

export function HistoryView() {
  const params = useSearchParams();
  const { data } = useTopicSnapshot<Listing>('history');
  const [resource, setResource] = useState(params.get('resource') ?? '');
  const [reverting, setReverting] = useState<number | undefined>();

  const resources = useMemo(() => {
    const counts = new Map<string, number>();
    for (const e of data?.entries ?? []) counts.set(entryKey(e), (counts.get(entryKey(e)) ?? 0) + 1);
    return [...counts].sort((a, b) => a[0].localeCompare(b[0]));
  }, [data]);
  /** The newest version of each object: reverting to it changes nothing. */
  const latest = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of data?.entries ?? []) m.set(entryKey(e), e.seq);
    return m;
  }, [data]);
  const rows = useMemo(() => (data?.entries ?? []).filter((e) => !resource || entryKey(e) === resource).slice().reverse(), [data, resource]);

  const select = (key: string) => {
    setResource(key);
    setReverting(undefined);
    const q = key ? `?resource=${encodeURIComponent(key)}` : '';
    window.history.replaceState(window.history.state, '', `/history${q}`);
  };

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">History</h1>
        <span className="text-sm text-slate-500">Every version of the Gateways, VirtualServices and DestinationRules the console has seen, who changed them, and what</span>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-2 text-sm">
        <select aria-label="Resource" className="rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-900" value={resource} onChange={(e) => select(e.target.value)}>
          <option value="">All resources ({data?.entries.length ?? 0} versions)</option>
          {resources.map(([k, n]) => (
            <option key={k} value={k}>
              {k} ({n})
            </option>
          ))}
        </select>
        {data ? (
          <span className="ml-auto text-xs text-slate-500">
            kept in memory since the console started: at most {data.limits.perObject} versions per object, {data.limits.total} in all{data.evicted ? ` (${data.evicted} older dropped)` : ''}
          </span>
        ) : null}
      </div>
      {!data ? (
        <p className="mt-6 animate-pulse text-slate-500">Loading the history…</p>
      ) : rows.length === 0 ? (
        <p className="mt-6 text-slate-500">No versions recorded yet.</p>
      ) : (
        <ol className="mt-4 border-l border-slate-300 dark:border-slate-700" data-testid="history-timeline">
          {rows.map((e) => {
            const key = entryKey(e);
            const isLatest = latest.get(key) === e.seq;
            return (
              <li key={e.seq} className="relative ml-4 border-b border-slate-200 py-3 dark:border-slate-800" data-testid="history-entry" data-seq={e.seq} data-resource={key} data-event={e.event} data-manager={e.fieldManager ?? ''}>
                <span className={cn('absolute -left-[1.3rem] top-4 h-2.5 w-2.5 rounded-full border-2 border-white dark:border-slate-950', e.event === 'deleted' ? 'bg-red-500' : e.event === 'updated' ? 'bg-sky-500' : 'bg-slate-400')} />
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                  <span className={cn('rounded px-1.5 py-0.5 text-xs', EVENT_STYLE[e.event])}>{e.event}</span>
                  <button type="button" className={cn(mono, 'text-sky-700 hover:underline dark:text-sky-400')} onClick={() => select(key)} title="Show this object's history only">
                    {e.kind} {e.namespace}/{e.name}
                  </button>
                  <span className="text-xs text-slate-500">
                    rv {e.resourceVersion}
                    {e.generation !== undefined ? ` · gen ${e.generation}` : ''}
                  </span>
                  {e.fieldManager ? (
                    <span className="text-xs" data-testid="history-manager">
                      by <span className={mono}>{e.fieldManager}</span>
                      {e.operation ? <span className="text-slate-500"> ({e.operation})</span> : null}
                    </span>
                  ) : null}
                  <span className="ml-auto text-xs text-slate-500" title={`seen ${e.observedAt}${e.changedAt ? `, managedFields time ${e.changedAt}` : ''}`}>
                    {time(e.observedAt)}
                  </span>
                  {e.event !== 'deleted' && !isLatest ? (
                    <button type="button" className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" onClick={() => setReverting(reverting === e.seq ? undefined : e.seq)} data-testid="history-revert">
                      Revert to this version…
                    </button>
                  ) : isLatest && e.event !== 'deleted' ? (
                    <span className="text-xs text-emerald-700 dark:text-emerald-400">current</span>
                  ) : null}
                  <Link href={`/${e.plural}/${encodeURIComponent(e.namespace)}/${encodeURIComponent(e.name)}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                    open
                  </Link>
                </div>
                {e.event === 'updated' ? (
                  <div className="mt-2" data-testid="history-diff">
                    <DiffList changes={e.changes} empty="No change to the spec or labels (metadata only)." testId="history-changes" />
                  </div>
                ) : null}
                {reverting === e.seq ? <RevertPanel entry={e} onClose={() => setReverting(undefined)} /> : null}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
