'use client';
/**
 * istioctl proxy-status as a table (its current layout: one column per xDS type, CDS LDS EDS RDS
 * ECDS), one row per proxy, with the drift check of each gateway pod beside it and, under the
 * row, a NACK's error and every drift difference in words.
 */
import { Fragment, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { AreaBadge, XdsBadge } from './badges';
import { XDS_COLUMNS, type PodDriftStatus, type ProxySync } from './types';
import type { RestartTarget } from './restart-dialog';

export interface ProxyRow {
  key: string;
  pod: string;
  namespace: string;
  sync?: ProxySync;
  drift?: PodDriftStatus;
}

/** Rows for every proxy istiod reports and every gateway pod the drift service read, by `pod.namespace`. */
export function proxyRows(proxies: readonly ProxySync[], drift: readonly PodDriftStatus[]): ProxyRow[] {
  const rows = new Map<string, ProxyRow>();
  for (const p of proxies) rows.set(`${p.pod}.${p.namespace}`, { key: `${p.pod}.${p.namespace}`, pod: p.pod, namespace: p.namespace, sync: p });
  for (const d of drift) {
    const key = `${d.pod}.${d.namespace}`;
    const row = rows.get(key) ?? { key, pod: d.pod, namespace: d.namespace };
    row.drift = d;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const MAX_SHOWN = 6;

function Differences({ row }: { row: ProxyRow }) {
  const [all, setAll] = useState(false);
  const diffs = row.drift?.drift?.differences ?? [];
  const nacks = Object.entries(row.sync?.types ?? {}).filter(([, s]) => s?.state === 'NACK');
  if (diffs.length === 0 && nacks.length === 0 && !row.drift?.error) return null;
  const shown = all ? diffs : diffs.slice(0, MAX_SHOWN);
  return (
    <div className="space-y-1 pb-2 text-xs">
      {nacks.map(([t, s]) => (
        <p key={t} className="rounded bg-red-50 px-2 py-1 text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="nack-error">
          {t} rejected: {s?.error}
        </p>
      ))}
      {row.drift?.error ? <p className="rounded bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950 dark:text-amber-100">config_dump not read: {row.drift.error}</p> : null}
      {diffs.length ? (
        <ul className="list-disc space-y-0.5 pl-5 text-slate-700 dark:text-slate-300" data-testid="drift-differences">
          {shown.map((d, i) => (
            <li key={i} data-area={d.area}>
              {d.message}
            </li>
          ))}
          {diffs.length > MAX_SHOWN ? (
            <li className="list-none">
              <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setAll((v) => !v)}>
                {all ? 'show fewer' : `show ${diffs.length - MAX_SHOWN} more`}
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}

export function ProxyStatusTable({
  rows,
  selected,
  onSelect,
  onRestart,
}: {
  rows: ProxyRow[];
  selected?: string;
  onSelect(row: ProxyRow): void;
  onRestart(row: ProxyRow, target: RestartTarget): void;
}) {
  return (
    <table className="mt-2 w-full border-collapse text-sm" data-testid="proxy-status">
      <thead>
        <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
          <th className="py-2 pr-3">Name</th>
          <th className="py-2 pr-3">Istiod</th>
          {XDS_COLUMNS.map((t) => (
            <th key={t} className="py-2 pr-2">
              {t}
            </th>
          ))}
          <th className="py-2 pr-3">Drift: config_dump vs resources</th>
          <th className="py-2 text-right">Actions</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const d = r.drift?.drift;
          const isGateway = !!r.drift || r.sync?.proxyType === 'router';
          return (
            <Fragment key={r.key}>
              <tr className={cn('align-top', selected === r.key && 'bg-sky-50 dark:bg-sky-950/40')} data-testid="proxy-row" data-proxy={r.key}>
                <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs" title={r.key}>
                  {r.pod}
                  <div className="font-sans text-slate-500">{[r.namespace, r.sync?.proxyType, r.sync?.istioVersion].filter(Boolean).join(' · ')}</div>
                </td>
                <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs">{r.sync?.istiod ?? <span className="font-sans text-slate-400">not connected</span>}</td>
                {XDS_COLUMNS.map((t) => {
                  const s = r.sync?.types[t];
                  return (
                    <td key={t} className="py-2 pr-2" data-xds={t}>
                      {r.sync ? <XdsBadge state={s?.state} title={s?.error ?? (s?.sent ? `sent ${s.sent}${s.acked ? `, acked ${s.acked}` : ''}` : undefined)} /> : null}
                    </td>
                  );
                })}
                <td className="py-2 pr-3">
                  {d ? (
                    <div className="flex flex-wrap gap-1 xl:flex-nowrap" data-testid="drift-summary" title={d.summary}>
                      <AreaBadge name="Listeners" area={d.listeners} />
                      <AreaBadge name="Routes" area={d.routes} />
                      <AreaBadge name="Clusters" area={d.clusters} />
                    </div>
                  ) : r.drift?.error ? (
                    <span className="text-xs text-amber-700">not read</span>
                  ) : isGateway ? (
                    <span className="animate-pulse text-xs text-slate-400">reading config_dump…</span>
                  ) : null}
                </td>
                <td className="py-2 text-right text-xs">
                  <div className="ml-auto flex max-w-[13rem] flex-wrap justify-end gap-1 whitespace-nowrap">
                  <button type="button" onClick={() => onSelect(r)} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" data-testid="show-config">
                    Envoy config
                  </button>
                  {isGateway ? (
                    <>
                      <button type="button" onClick={() => onRestart(r, 'pod')} className="rounded border border-red-300 px-2 py-0.5 text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950" data-testid="restart-pod">
                        Restart pod
                      </button>
                      <button type="button" onClick={() => onRestart(r, 'deployment')} className="rounded border border-red-300 px-2 py-0.5 text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950" data-testid="rollout-restart">
                        Rollout restart
                      </button>
                    </>
                  ) : null}
                  </div>
                </td>
              </tr>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <td colSpan={4 + XDS_COLUMNS.length} className="pl-4">
                  <Differences row={r} />
                </td>
              </tr>
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
