'use client';
/**
 * The /sync page: is every gateway serving what the resources say? istiod's view (per proxy, the
 * state of each xDS type, from every istiod replica's /debug/syncz), Envoy's own view (each
 * gateway pod's config_dump compared with the resources, differences in words), the rollouts of
 * applies made from the console, and per pod its Envoy configuration and the restart actions.
 * Both topics (`sync`, `drift`) are pushed by the server as they change.
 */
import { useMemo, useState } from 'react';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { cn } from '@/components/ui/cn';
import { EnvoyConfig } from './envoy-config';
import { ProxyStatusTable, proxyRows, type ProxyRow } from './proxy-status-table';
import { RestartDialog, type RestartTarget } from './restart-dialog';
import { RolloutsPanel } from './rollouts-panel';
import type { DriftSnapshot, SyncSnapshot } from './types';

function counts(rows: ProxyRow[]) {
  let synced = 0;
  let stale = 0;
  let nack = 0;
  let drifting = 0;
  for (const r of rows) {
    const states = Object.values(r.sync?.types ?? {}).map((s) => s?.state);
    if (states.includes('NACK')) nack++;
    else if (states.includes('STALE')) stale++;
    else if (r.sync) synced++;
    if ((r.drift?.drift?.differences.length ?? 0) > 0) drifting++;
  }
  return { synced, stale, nack, drifting };
}

export function SyncPage() {
  const sync = useTopicSnapshot<SyncSnapshot>('sync');
  const drift = useTopicSnapshot<DriftSnapshot>('drift');
  const [selected, setSelected] = useState<string | undefined>();
  const [restart, setRestart] = useState<{ row: ProxyRow; target: RestartTarget } | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [q, setQ] = useState('');

  const rows = useMemo(() => proxyRows(sync.data?.proxies ?? [], drift.data?.pods ?? []), [sync.data, drift.data]);
  const shown = useMemo(() => (q ? rows.filter((r) => r.key.toLowerCase().includes(q.toLowerCase())) : rows), [rows, q]);
  const c = counts(rows);
  const sel = rows.find((r) => r.key === selected);

  return (
    <div className="mx-auto max-w-screen-2xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Sync</h1>
        <span className="text-sm text-slate-500">istioctl proxy-status, and each gateway&apos;s Envoy config checked against the Gateways and VirtualServices</span>
      </div>

      <div className="mt-3 flex flex-wrap items-center gap-2 text-sm" data-testid="istiods">
        {(sync.data?.istiods ?? []).map((i) => (
          <span
            key={i.pod}
            className={cn('rounded px-2 py-0.5 font-mono text-xs', i.ok ? 'bg-slate-100 dark:bg-slate-800' : 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200')}
            title={i.error}
            data-testid="istiod"
          >
            {i.namespace}/{i.pod}: {i.ok ? `${i.proxies} proxies` : i.error}
          </span>
        ))}
        {sync.data ? (
          <span className="text-xs text-slate-500" data-testid="sync-counts">
            {c.synced} synced · {c.stale} stale · {c.nack} rejected · {c.drifting} drifting
          </span>
        ) : null}
        <input
          aria-label="Filter proxies"
          placeholder="Filter proxies…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="ml-auto w-64 rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
      </div>

      {sync.data?.error ? (
        <p role="alert" className="mt-3 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {sync.data.error}
        </p>
      ) : null}
      {sync.error || drift.error ? (
        <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {sync.error ?? drift.error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="mt-3 rounded bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-100" data-testid="notice">
          {notice}
        </p>
      ) : null}

      {!sync.data && !drift.data ? (
        <p className="mt-6 animate-pulse text-slate-500">Asking istiod and the gateways…</p>
      ) : rows.length === 0 ? (
        <p className="mt-6 text-slate-500">No proxy is connected to istiod, and no gateway pod runs.</p>
      ) : (
        <div className="overflow-x-auto">
          <ProxyStatusTable rows={shown} selected={selected} onSelect={(r) => setSelected(r.key)} onRestart={(row, target) => setRestart({ row, target })} />
        </div>
      )}

      <RolloutsPanel rollouts={sync.data?.rollouts ?? []} />

      {sel ? <EnvoyConfig key={sel.key} namespace={sel.namespace} pod={sel.pod} configVersion={sel.drift?.configVersion} drift={sel.drift?.drift} onClose={() => setSelected(undefined)} /> : null}

      {restart ? (
        <RestartDialog
          namespace={restart.row.namespace}
          pod={restart.row.pod}
          target={restart.target}
          onClose={() => setRestart(undefined)}
          onDone={(m) => setNotice(m)}
        />
      ) : null}
    </div>
  );
}
