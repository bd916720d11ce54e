'use client';
/**
 * One gateway pod's Envoy configuration, read through the console's allow-listed admin route
 * (`GET /api/proxies/{ns}/{pod}/admin/config_dump?include_eds=true`) and shown as
 * `istioctl proxy-config` shows it (lib/envoy renderers): listeners, routes, clusters, endpoints
 * (with health), secrets (with certificate expiry), searchable; and the raw config_dump with each
 * section folded.
 */
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { cn } from '@/components/ui/cn';
import type { PodDrift } from '@/lib/envoy/drift';
import { DriftDetails } from './drift-details';
import { LogLevel } from './log-level';
import { parseConfigDump, type ConfigDumpModel } from '@/lib/envoy/config-dump';
import { renderClusterSummary, renderEndpointSummary, renderListenerSummary, renderRouteSummary, renderSecretSummary } from '@/lib/envoy/proxy-config';

const VIEWS = ['drift', 'listeners', 'routes', 'clusters', 'endpoints', 'secrets', 'raw'] as const;
type View = (typeof VIEWS)[number];

function render(model: ConfigDumpModel, view: Exclude<View, 'raw' | 'drift'>, now: number): string {
  try {
    switch (view) {
      case 'listeners':
        return renderListenerSummary(model);
      case 'routes':
        return renderRouteSummary(model);
      case 'clusters':
        return renderClusterSummary(model);
      case 'endpoints':
        return renderEndpointSummary(model);
      case 'secrets':
        return renderSecretSummary(model, { now });
    }
  } catch (e) {
    return `Error: ${(e as Error).message}`;
  }
}

/** The header line and the lines containing `q` (case-insensitive). */
function filterLines(text: string, q: string): { text: string; shown: number; total: number } {
  const lines = text.replace(/\n$/, '').split('\n');
  const [head, ...rest] = lines;
  const needle = q.trim().toLowerCase();
  const kept = needle ? rest.filter((l) => l.toLowerCase().includes(needle)) : rest;
  return { text: [head ?? '', ...kept].join('\n'), shown: kept.length, total: rest.length };
}

function RawDump({ model }: { model: ConfigDumpModel }) {
  const configs = model.raw.configs ?? [];
  return (
    <div className="space-y-1" data-testid="raw-config-dump">
      {configs.map((c, i) => {
        const type = String(c['@type'] ?? '').replace(/^type\.googleapis\.com\/envoy\.admin\.v3\./, '');
        const json = JSON.stringify(c, null, 2);
        return (
          <details key={i} className="rounded border border-slate-200 dark:border-slate-800">
            <summary className="cursor-pointer px-2 py-1 font-mono text-xs">
              {type} <span className="text-slate-500">({Math.round(json.length / 1024)} KiB)</span>
            </summary>
            <pre className="max-h-[32rem] overflow-auto bg-slate-50 p-2 text-xs dark:bg-slate-950">{json}</pre>
          </details>
        );
      })}
    </div>
  );
}

export function EnvoyConfig({ namespace, pod, configVersion, drift, onClose }: { namespace: string; pod: string; configVersion?: string; drift?: PodDrift; onClose(): void }) {
  const [view, setView] = useState<View>(drift ? 'drift' : 'routes');
  const [q, setQ] = useState('');
  // Keyed by the configuration version the pod holds: a new push reloads it.
  const query = useQuery({
    queryKey: ['config_dump', namespace, pod, configVersion ?? ''],
    queryFn: async ({ signal }) => {
      const res = await fetch(`/api/proxies/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/admin/config_dump?include_eds=true`, { signal });
      const text = await res.text();
      if (!res.ok) {
        let msg = text;
        try {
          msg = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          /* plain text */
        }
        throw new Error(`HTTP ${res.status}: ${msg}`);
      }
      return { model: parseConfigDump(text), at: Date.now() };
    },
    retry: false,
    refetchOnWindowFocus: false,
  });
  const state = { model: query.data?.model, at: query.data?.at, error: query.error ? (query.error as Error).message : undefined, loading: query.isFetching };
  const load = () => query.refetch();

  const rendered = useMemo(() => {
    if (!state.model || view === 'raw' || view === 'drift') return undefined;
    return filterLines(render(state.model, view, state.at ?? 0), q);
  }, [state.model, state.at, view, q]);

  return (
    <section className="mt-6 rounded border border-slate-200 p-3 dark:border-slate-800" aria-labelledby="envoy-config-title" data-testid="envoy-config">
      <div className="flex flex-wrap items-baseline gap-2">
        <h2 id="envoy-config-title" className="text-base font-semibold">
          Envoy config of <span className="font-mono">{namespace}/{pod}</span>
        </h2>
        {configVersion ? <span className="font-mono text-xs text-slate-500">version {configVersion}</span> : null}
        <button type="button" onClick={() => void load()} className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          {state.loading ? 'Loading…' : 'Reload'}
        </button>
        <button type="button" onClick={onClose} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Close
        </button>
      </div>
      <div className="mt-1">
        <LogLevel namespace={namespace} pod={pod} />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-1 text-sm" role="tablist">
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            onClick={() => setView(v)}
            className={cn('rounded px-2 py-1', v !== 'raw' && 'capitalize', view === v ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800')}
            data-testid={`view-${v}`}
          >
            {v === 'raw' ? 'Raw config_dump' : v === 'drift' ? 'Drift check' : v}
          </button>
        ))}
        {view !== 'raw' && view !== 'drift' ? (
          <input
            aria-label="Search the Envoy config"
            placeholder="Search…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="ml-auto w-64 rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
          />
        ) : null}
      </div>
      {state.error ? (
        <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {state.error}
        </p>
      ) : null}
      {view === 'drift' ? <div className="mt-2">{drift ? <DriftDetails drift={drift} /> : <p className="text-sm text-slate-500">No drift check for this proxy (not a gateway pod, or its config_dump was not read).</p>}</div> : null}
      {state.model && view === 'raw' ? (
        <div className="mt-2">
          <RawDump model={state.model} />
        </div>
      ) : null}
      {rendered ? (
        <>
          <pre className="mt-2 max-h-[28rem] overflow-auto rounded bg-slate-50 p-2 font-mono text-xs leading-5 dark:bg-slate-950" data-testid={`config-${view}`}>
            {rendered.text}
          </pre>
          <p className="mt-1 text-xs text-slate-500">
            {q ? `${rendered.shown} of ${rendered.total} lines match` : `${rendered.total} lines`} · as <span className="font-mono">istioctl proxy-config {view}</span> prints them
          </p>
        </>
      ) : null}
    </section>
  );
}
