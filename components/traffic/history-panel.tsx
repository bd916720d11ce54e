'use client';
/**
 * The Traffic page's history: per VirtualService, the observed split per subset and the request
 * rate, 5xx share and latency over the last 1, 6 or 24 hours, from Istio's standard metrics in
 * Prometheus (`--prometheus-url`, GET /api/traffic/history). Without Prometheus, one line saying
 * how to get it.
 */
import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { cn } from '@/components/ui/cn';
import { HISTORY_RANGES, type HistoryRange, type TrafficHistory, type TrafficHistoryAnswer } from '@/lib/traffic/history';
import { linePath, niceMax, shareAreas, ticks } from '@/lib/traffic/history-chart';
import { DEST_COLORS } from './split-chart';

const RANGES = Object.keys(HISTORY_RANGES) as HistoryRange[];
const W = 560;
const pct = (v: number | undefined | null) => (v === undefined || v === null ? '–' : `${v.toFixed(1)} %`);

async function getJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal });
  const body = (await res.json().catch(() => undefined)) as (T & { error?: string }) | undefined;
  if (!res.ok) throw new Error(body?.error ?? `HTTP ${res.status}`);
  return body as T;
}

const clock = (t: number) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function TimeAxis({ h, count = 5 }: { h: TrafficHistory; count?: number }) {
  return (
    <div className="relative mt-0.5 h-4 text-[10px] text-slate-500">
      {ticks(h.times.length, 100, count).map((t, k, all) => (
        <span key={t.i} className="absolute whitespace-nowrap" style={{ left: `${t.x}%`, transform: k === 0 ? 'none' : k === all.length - 1 ? 'translateX(-100%)' : 'translateX(-50%)' }}>
          {clock(h.times[t.i]!)}
        </span>
      ))}
    </div>
  );
}

function Lines({ h, series, unit, label }: { h: TrafficHistory; series: Array<{ name: string; values: Array<number | null>; color: string; dash?: string }>; unit: string; label: string }) {
  const height = 80;
  const max = niceMax(series.flatMap((s) => s.values));
  return (
    <figure className="min-w-0 flex-1">
      <figcaption className="flex flex-wrap gap-x-3 text-[11px] text-slate-500">
        <span className="font-medium text-slate-600 dark:text-slate-300">{label}</span>
        {series.map((s) => (
          <span key={s.name}>
            <span className="mr-1 inline-block h-0.5 w-3 align-middle" style={{ background: s.color }} />
            {s.name}
          </span>
        ))}
        <span className="ml-auto font-mono">max {max} {unit}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} className="mt-1 h-[80px] w-full rounded bg-slate-50 dark:bg-slate-950" preserveAspectRatio="none" role="img" aria-label={label}>
        {[0.5].map((f) => (
          <line key={f} x1={0} x2={W} y1={height * f} y2={height * f} stroke="#cbd5e1" strokeDasharray="2 4" strokeWidth={1} vectorEffect="non-scaling-stroke" />
        ))}
        {series.map((s) => (
          <path key={s.name} d={linePath(s.values, W, height, max)} fill="none" stroke={s.color} strokeWidth={1.5} strokeDasharray={s.dash} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      <TimeAxis h={h} count={3} />
    </figure>
  );
}

function HistoryCard({ vs, range }: { vs: string; range: HistoryRange }) {
  const [ns, name] = vs.split('/');
  const q = useQuery({
    queryKey: ['traffic-history', vs, range],
    queryFn: ({ signal }) => getJson<TrafficHistoryAnswer>(`/api/traffic/history?vs=${encodeURIComponent(vs)}&range=${range}`, signal),
    refetchInterval: HISTORY_RANGES[range].step * 2000,
    retry: false,
  });
  const h = q.data?.configured ? q.data : undefined;
  const areas = h ? shareAreas(h.rates, W, 120) : [];
  const hasRequests = !!h && h.summary.rps > 0;
  return (
    <section className="rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="history-card" data-vs={vs}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h3 className="font-semibold">
          <Link href={`/virtualservices/${ns}/${name}`} className="hover:underline">
            {vs}
          </Link>
        </h3>
        {h ? <span className="text-xs text-slate-500">to {h.services.map((s) => s.replace(/\.svc\.cluster\.local$/, '')).join(', ')} · every request from the gateway, not per route (Istio metrics have no route label)</span> : null}
        {h ? (
          <span className="ml-auto text-sm" data-testid="history-rate">
            {h.summary.rps.toFixed(2)} req/s average · {pct(h.summary.errorPct)} 5xx
          </span>
        ) : null}
      </div>
      {q.isPending ? <p className="mt-3 animate-pulse text-sm text-slate-500">Asking Prometheus…</p> : null}
      {q.error ? (
        <p role="alert" className="mt-3 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100" data-testid="history-error">
          {q.error.message}
        </p>
      ) : null}
      {h && !hasRequests ? <p className="mt-3 text-sm text-slate-500">No request to these destinations in Prometheus over the last {range}.</p> : null}
      {h && hasRequests ? (
        <>
          <div className="mt-3 grid grid-cols-[90px_1fr] items-center gap-x-3 gap-y-1.5 text-xs">
            <span className="text-slate-500">Observed</span>
            <div className="flex h-5 w-full overflow-hidden rounded bg-slate-100 text-[11px] text-white dark:bg-slate-800" data-testid="history-bar">
              {h.destinations.map((d, i) =>
                d.share ? (
                  <div key={d.id} style={{ width: `${d.share}%`, background: DEST_COLORS[i % DEST_COLORS.length] }} className="flex items-center justify-center overflow-hidden whitespace-nowrap" title={`${d.label}: ${d.share.toFixed(1)} %`}>
                    {d.share >= 8 ? `${d.label} ${Math.round(d.share)}%` : ''}
                  </div>
                ) : null,
              )}
            </div>
          </div>
          <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
            {h.destinations.map((d, i) => (
              <span key={d.id} data-testid="history-share" data-subset={d.subset ?? ''} data-value={d.share ?? ''}>
                <span className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: DEST_COLORS[i % DEST_COLORS.length] }} />
                {d.label} <span className="font-mono">{pct(d.share)}</span> <span className="text-slate-500">· {d.rps.toFixed(2)} req/s · {pct(d.errorPct)} 5xx</span>
              </span>
            ))}
          </div>
          <figure className="mt-3">
            <figcaption className="text-[11px] font-medium text-slate-600 dark:text-slate-300">Observed split over time</figcaption>
            <svg viewBox={`0 0 ${W} 120`} className="mt-1 h-[120px] w-full rounded bg-slate-50 dark:bg-slate-950" preserveAspectRatio="none" role="img" aria-label={`Observed split of ${vs} over the last ${range}`}>
              {areas.map((polys, i) => polys.map((p, k) => <polygon key={`${i}-${k}`} points={p} fill={DEST_COLORS[i % DEST_COLORS.length]} fillOpacity={0.55} />))}
            </svg>
            <TimeAxis h={h} />
          </figure>
          <div className="mt-2 flex flex-col gap-3 md:flex-row">
            <Lines
              h={h}
              label="Requests/s"
              unit="req/s"
              series={[{ name: 'all destinations', values: h.total, color: '#0f172a' }, ...h.destinations.map((d, i) => ({ name: d.label, values: h.rates[i]!, color: DEST_COLORS[i % DEST_COLORS.length]!, dash: '4 3' }))]}
            />
            <Lines h={h} label="5xx" unit="%" series={[{ name: '5xx share', values: h.errorPct, color: '#dc2626' }]} />
            <Lines
              h={h}
              label="Latency"
              unit="ms"
              series={[
                { name: 'p50', values: h.p50, color: '#10b981' },
                { name: 'p95', values: h.p95, color: '#f59e0b' },
                { name: 'p99', values: h.p99, color: '#ef4444' },
              ]}
            />
          </div>
        </>
      ) : null}
      {h ? (
        <details className="mt-2 text-xs text-slate-500">
          <summary className="cursor-pointer">
            PromQL · step {h.step} s · rate over {h.rateWindow} s{h.warnings.length ? ` · ${h.warnings.length} warning(s)` : ''}
          </summary>
          <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] dark:bg-slate-950">{[...Object.entries(h.queries).map(([k, v]) => `# ${k}\n${v}`), ...h.warnings.map((w) => `# warning: ${w}`)].join('\n')}</pre>
        </details>
      ) : null}
    </section>
  );
}

export function HistoryPanel({ virtualServices }: { virtualServices: readonly string[] }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const status = useQuery({
    queryKey: ['traffic-history-status'],
    queryFn: ({ signal }) => getJson<{ configured: boolean; reason?: string; prometheus?: string }>('/api/traffic/history', signal),
    staleTime: Infinity,
    retry: false,
  });
  if (!status.data) return null;
  if (!status.data.configured) {
    return (
      <p className="mt-6 text-sm text-slate-500" data-testid="history-hint">
        History: start with <code className="rounded bg-slate-100 px-1 font-mono text-xs dark:bg-slate-800">--prometheus-url</code> to see history beyond 15 min
      </p>
    );
  }
  return (
    <section className="mt-6" data-testid="traffic-history">
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">History</h2>
        <span className="text-xs text-slate-500">Istio standard metrics from Prometheus at {status.data.prometheus}</span>
        <div className="ml-auto flex overflow-hidden rounded border border-slate-300 text-sm dark:border-slate-700" role="group" aria-label="History range">
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)} className={cn('px-3 py-1', range === r ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800')}>
              {r}
            </button>
          ))}
        </div>
      </div>
      <div className="mt-3 flex flex-col gap-4">
        {virtualServices.length === 0 ? <p className="text-sm text-slate-500">No VirtualService splits traffic: nothing to show.</p> : virtualServices.map((vs) => <HistoryCard key={vs} vs={vs} range={range} />)}
      </div>
    </section>
  );
}
