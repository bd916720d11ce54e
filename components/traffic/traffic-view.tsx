'use client';
/**
 * The Traffic page: per weighted route, the configured split next to the split observed in the
 * gateway access logs over the chosen window (1, 5 or 15 minutes), with rates, error % and
 * latency percentiles per destination, the split over time, and the per-pod rates.
 */
import Link from 'next/link';
import { useState } from 'react';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { cn } from '@/components/ui/cn';
import type { MeshAccessLog } from '@/lib/logs/mesh-access-log';
import type { RateStats, RouteSplit, TrafficSnapshot } from '@/lib/traffic/aggregate';
import { observedSince } from '@/lib/traffic/since-change';
import { DEST_COLORS, SplitChart } from './split-chart';
import { SplitEditor } from './split-editor';
import { HistoryPanel } from './history-panel';

const WINDOWS = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
];

type TrafficData = TrafficSnapshot & { mesh?: MeshAccessLog; pods?: number };

const ms = (v: number | undefined) => (v === undefined ? '–' : `${v} ms`);
const pct = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} %`);

function Bar({ parts, testid }: { parts: Array<{ key: string; pct: number; label: string }>; testid: string }) {
  return (
    <div className="flex h-5 w-full overflow-hidden rounded bg-slate-100 text-[11px] text-white dark:bg-slate-800" data-testid={testid}>
      {parts.map((p, i) =>
        p.pct > 0 ? (
          <div key={p.key} style={{ width: `${p.pct}%`, background: DEST_COLORS[i % DEST_COLORS.length] }} className="flex items-center justify-center overflow-hidden whitespace-nowrap" title={`${p.label}: ${p.pct.toFixed(1)} %`}>
            {p.pct >= 8 ? `${p.label} ${Math.round(p.pct)}%` : ''}
          </div>
        ) : null,
      )}
    </div>
  );
}

function RouteCard({ split, at, seconds, marks }: { split: RouteSplit; at: number; seconds: number; marks: number[] }) {
  const [ns, vs] = split.virtualService.split('/');
  const name = (d: RouteSplit['destinations'][number]) => `${d.host.replace(/\.svc\.cluster\.local$/, '')}${d.subset ? ` / ${d.subset}` : ''}`;
  // The split observed after the last configuration change only, while it is inside the window.
  const lastMark = marks[marks.length - 1];
  const since = lastMark !== undefined ? observedSince(split, at, seconds, lastMark) : undefined;
  return (
    <section className="rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="split-route" data-route={split.routeId}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h2 className="font-semibold">
          <Link href={`/virtualservices/${ns}/${vs}`} className="hover:underline">
            {split.virtualService}
          </Link>{' '}
          · route {split.label}
        </h2>
        <span className="text-xs text-slate-500">{split.hosts.join(', ')}</span>
        <span className="ml-auto text-sm" data-testid="route-rate">
          {split.rps.toFixed(2)} req/s · {split.n} requests · {pct(split.errorPct)} errors
        </span>
        <Link href={`/logs?route=${encodeURIComponent(split.routeId)}`} className="text-xs text-sky-700 underline dark:text-sky-400">
          its log lines
        </Link>
      </div>
      <div className="mt-3 grid grid-cols-[110px_1fr_auto] items-center gap-x-3 gap-y-1.5 text-xs">
        <span className="text-slate-500">Configured</span>
        <Bar testid="configured-bar" parts={split.destinations.map((d) => ({ key: d.id, pct: d.configured, label: d.subset ?? name(d) }))} />
        <span />
        <span className="text-slate-500">Observed</span>
        {split.n ? <Bar testid="observed-bar" parts={split.destinations.map((d) => ({ key: d.id, pct: d.observed ?? 0, label: d.subset ?? name(d) }))} /> : <span className="text-slate-500">no request in this window</span>}
        <span className="text-right text-slate-500">{split.n} req</span>
        {since ? (
          <>
            <span className="text-slate-500" title={`Requests from ${new Date(since.from).toLocaleTimeString()} on, the first full second after the console saw the change`}>
              Since the change
            </span>
            {since.n ? (
              <Bar testid="since-change-bar" parts={split.destinations.map((d, i) => ({ key: d.id, pct: since.destinations[i]?.observed ?? 0, label: d.subset ?? name(d) }))} />
            ) : (
              <span className="text-slate-500">no request yet</span>
            )}
            <span className="text-right text-slate-500" data-testid="since-change" data-n={since.n} data-observed={since.destinations.map((d) => d.observed ?? '').join('/')}>
              {since.n} req
            </span>
          </>
        ) : null}
      </div>
      <SplitEditor routeId={split.routeId} destinations={split.destinations.length} />
      <div className="mt-3">
        <SplitChart split={split} at={at} seconds={seconds} marks={marks} />
      </div>
      <table className="mt-3 w-full border-collapse text-sm">
        <thead>
          <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
            <th className="py-1.5 pr-3">Destination</th>
            <th className="py-1.5 pr-3 text-right">Configured</th>
            <th className="py-1.5 pr-3 text-right">Observed</th>
            <th className="py-1.5 pr-3 text-right">req/s</th>
            <th className="py-1.5 pr-3 text-right">Errors</th>
            <th className="py-1.5 pr-3 text-right">p50</th>
            <th className="py-1.5 pr-3 text-right">p95</th>
            <th className="py-1.5 text-right">p99</th>
          </tr>
        </thead>
        <tbody>
          {split.destinations.map((d, i) => {
            const off = d.observed !== undefined ? Math.abs(d.observed - d.configured) : 0;
            return (
              <tr key={d.id} className="border-b border-slate-100 dark:border-slate-800" data-testid="split-destination" data-subset={d.subset ?? ''}>
                <td className="py-1.5 pr-3">
                  <span className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm" style={{ background: DEST_COLORS[i % DEST_COLORS.length] }} />
                  {name(d)}
                </td>
                <td className="py-1.5 pr-3 text-right font-mono" data-testid="configured">
                  {d.configured} %
                </td>
                <td className={cn('py-1.5 pr-3 text-right font-mono', off > 10 && 'text-amber-700 dark:text-amber-400')} data-testid="observed" data-value={d.observed ?? ''}>
                  {pct(d.observed)}
                </td>
                <td className="py-1.5 pr-3 text-right font-mono">{d.rps.toFixed(2)}</td>
                <td className={cn('py-1.5 pr-3 text-right font-mono', d.errorPct > 1 && 'text-red-700 dark:text-red-400')}>{pct(d.errorPct)}</td>
                <td className="py-1.5 pr-3 text-right font-mono">{ms(d.p50)}</td>
                <td className="py-1.5 pr-3 text-right font-mono">{ms(d.p95)}</td>
                <td className="py-1.5 text-right font-mono">{ms(d.p99)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function StatsRow({ id, s }: { id: string; s: RateStats }) {
  return (
    <tr className="border-b border-slate-100 dark:border-slate-800">
      <td className="py-1.5 pr-3 font-mono text-xs">{id}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{s.rps.toFixed(2)}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{pct(s.errorPct)}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{pct(s.clientErrorPct)}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{ms(s.p50)}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{ms(s.p95)}</td>
      <td className="py-1.5 pr-3 text-right font-mono">{ms(s.p99)}</td>
      <td className="py-1.5 font-mono text-xs text-amber-700 dark:text-amber-300">{s.flags ? Object.entries(s.flags).map(([f, n]) => `${f} ${n}`).join(', ') : ''}</td>
    </tr>
  );
}

export function TrafficView() {
  const [seconds, setSeconds] = useState(60);
  const { data } = useTopicSnapshot<TrafficData>(`traffic/${seconds}`);
  // Configuration changes seen while the page is open: when a route's configured weights move
  // (derived while rendering a new snapshot, React's "adjust state on prop change" pattern).
  const [seen, setSeen] = useState<{ data?: TrafficData; weights: Record<string, string>; marks: Record<string, number[]> }>({ weights: {}, marks: {} });
  if (data && data !== seen.data) {
    const weights = { ...seen.weights };
    const marks = { ...seen.marks };
    for (const r of data.routes) {
      const sig = r.destinations.map((d) => `${d.id}=${d.configured}`).join(',');
      if (weights[r.routeId] !== undefined && weights[r.routeId] !== sig) marks[r.routeId] = [...(marks[r.routeId] ?? []), data.at].slice(-20);
      weights[r.routeId] = sig;
    }
    setSeen({ data, weights, marks });
  }
  const marks = seen.marks;
  const pods = Object.entries(data?.nodes ?? {}).filter(([k]) => k.startsWith('gatewayPod:'));
  const routes = Object.entries(data?.nodes ?? {}).filter(([k]) => k.startsWith('route:'));
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Traffic</h1>
        <span className="text-sm text-slate-500">observed in the gateway access logs, against the configured weights</span>
        <div className="ml-auto flex overflow-hidden rounded border border-slate-300 text-sm dark:border-slate-700" role="group" aria-label="Window">
          {WINDOWS.map((w) => (
            <button key={w.seconds} type="button" aria-pressed={seconds === w.seconds} onClick={() => setSeconds(w.seconds)} className={cn('px-3 py-1', seconds === w.seconds ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800')}>
              {w.label}
            </button>
          ))}
        </div>
      </div>
      {data?.mesh && !data.mesh.enabled ? (
        <p role="alert" className="mt-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Access logging is off in the mesh config: no traffic can be observed. <Link href="/logs" className="underline">Turn it on from the Logs page.</Link>
        </p>
      ) : null}
      {!data ? (
        <p className="mt-6 animate-pulse text-slate-500">Reading the access logs…</p>
      ) : (
        <>
          <p className="mt-3 text-sm" data-testid="traffic-total">
            {data.total.rps.toFixed(2)} req/s over the last {data.covered} s · {data.total.n} requests · {pct(data.total.errorPct)} 5xx · {pct(data.total.clientErrorPct)} 4xx · p50 {ms(data.total.p50)} · p95 {ms(data.total.p95)} · p99 {ms(data.total.p99)}
            {data.unattributed ? ` · ${data.unattributed} with no route (e.g. 404 NR)` : ''}
          </p>
          <div className="mt-4 flex flex-col gap-4">
            {data.routes.length === 0 ? <p className="text-slate-500">No VirtualService route splits traffic between destinations.</p> : data.routes.map((r) => <RouteCard key={r.routeId} split={r} at={data.at} seconds={data.seconds} marks={marks[r.routeId] ?? []} />)}
          </div>
          <HistoryPanel virtualServices={[...new Set(data.routes.map((r) => r.virtualService))]} />
          {[
            ['Gateway pods', pods],
            ['Routes', routes],
          ].map(([title, rows]) => (
            <section key={title as string} className="mt-6">
              <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{title as string}</h2>
              <table className="mt-2 w-full border-collapse text-sm">
                <thead>
                  <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
                    <th className="py-1.5 pr-3">Node</th>
                    <th className="py-1.5 pr-3 text-right">req/s</th>
                    <th className="py-1.5 pr-3 text-right">5xx</th>
                    <th className="py-1.5 pr-3 text-right">4xx</th>
                    <th className="py-1.5 pr-3 text-right">p50</th>
                    <th className="py-1.5 pr-3 text-right">p95</th>
                    <th className="py-1.5 pr-3 text-right">p99</th>
                    <th className="py-1.5">Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {(rows as Array<[string, RateStats]>).map(([id, s]) => (
                    <StatsRow key={id} id={id.replace(/^(gatewayPod|route):/, '')} s={s} />
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </>
      )}
    </div>
  );
}
