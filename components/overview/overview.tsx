'use client';
import { useRouter } from 'next/navigation';
import { useCallback, useMemo, useState } from 'react';
import { useResources } from '@/components/data/use-resources';
import { useConnectionState, useTopicSnapshot } from '@/components/data/use-stream';
import type { KubeObject } from '@/components/resources/kinds';
import { canDrawRoute, drawRoute } from './draw-route';
import { TopologyGraph } from '@/components/graph/topology-graph';
import type { TopologyView, ViewNode } from '@/components/graph/types';
import { SidePanel } from './side-panel';
import { ProxySyncContext, useProxySyncBadges } from '@/components/sync/proxy-sync-badge';

type Dim = 'gateway' | 'namespace' | 'host' | 'protocol';
const DIMS: Array<{ dim: Dim; label: string }> = [
  { dim: 'gateway', label: 'Gateway' },
  { dim: 'namespace', label: 'Namespace' },
  { dim: 'host', label: 'Host' },
  { dim: 'protocol', label: 'Protocol' },
];

function applyFilters(view: TopologyView, filters: Partial<Record<Dim, string>>, search: string): TopologyView {
  const q = search.trim().toLowerCase();
  const keep = (n: ViewNode) => {
    for (const { dim } of DIMS) {
      const want = filters[dim];
      const have = n.tags?.[dim];
      if (want && have && !have.includes(want)) return false;
    }
    if (q && !`${n.label} ${n.detail ?? ''} ${n.id}`.toLowerCase().includes(q)) return false;
    return true;
  };
  const nodes = view.nodes.filter(keep);
  const ids = new Set(nodes.map((n) => n.id));
  return { ...view, nodes, edges: view.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

export function Overview() {
  const { data, version, error } = useTopicSnapshot<TopologyView>('topology');
  const syncBadges = useProxySyncBadges();
  const [selected, setSelected] = useState<ViewNode | undefined>();
  const [filters, setFilters] = useState<Partial<Record<Dim, string>>>({});
  const [search, setSearch] = useState('');
  const [dark, setDark] = useState(false);
  const [drawError, setDrawError] = useState<string | undefined>();
  const router = useRouter();
  const { context } = useConnectionState();
  const virtualServices = useResources('virtualservices');
  const onDraw = useCallback(
    (source: ViewNode, target: ViewNode) => {
      const r = drawRoute(context ?? '', source, target, data?.nodes ?? [], virtualServices.items as KubeObject[]);
      if ('error' in r) setDrawError(r.error);
      else router.push(r.href);
    },
    [context, data, virtualServices.items, router],
  );

  const onEdgeOpen = useCallback((href: string) => router.push(href), [router]);

  const options = useMemo(() => {
    const out: Record<Dim, string[]> = { gateway: [], namespace: [], host: [], protocol: [] };
    for (const n of data?.nodes ?? []) for (const { dim } of DIMS) for (const v of n.tags?.[dim] ?? []) if (!out[dim].includes(v)) out[dim].push(v);
    for (const d of DIMS) out[d.dim].sort();
    return out;
  }, [data]);
  const view = useMemo(() => (data ? applyFilters(data, filters, search) : undefined), [data, filters, search]);
  const current = selected && data?.nodes.find((n) => n.id === selected.id);
  const problems = data?.nodes.filter((n) => n.health !== 'ok').length ?? 0;

  return (
    <div className={dark ? 'dark' : ''}>
      <div className="flex h-[calc(100vh-41px)] flex-col bg-slate-50 dark:bg-slate-950 dark:text-slate-100">
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-4 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
          <h1 className="mr-2 font-semibold">Request path</h1>
          <input
            aria-label="Search nodes"
            placeholder="Search…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="w-48 rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
          />
          {DIMS.map(({ dim, label }) => (
            <select
              key={dim}
              aria-label={`Filter by ${label}`}
              value={filters[dim] ?? ''}
              onChange={(e) => setFilters((f) => ({ ...f, [dim]: e.target.value || undefined }))}
              className="rounded border border-slate-300 bg-transparent px-1.5 py-1 dark:border-slate-700"
            >
              <option value="">{label}: all</option>
              {options[dim].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ))}
          <span className="ml-auto text-xs text-slate-500" data-testid="topology-summary">
            {data ? `${data.nodes.length} nodes · ${problems} with warnings · v${version}` : ''}
          </span>
          <button
            type="button"
            onClick={() => setDark((d) => !d)}
            className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
            aria-label="Toggle dark theme"
          >
            {dark ? 'Light' : 'Dark'}
          </button>
        </div>
        <div className="relative flex min-h-0 flex-1">
          <div className="relative min-w-0 flex-1" data-testid="topology">
            {error ? (
              <div role="alert" className="m-8 rounded border border-red-300 bg-red-50 p-4 text-red-800">
                Cannot build the topology: {error}
              </div>
            ) : drawError ? (
              <div role="alert" className="m-8 rounded border border-red-300 bg-red-50 p-4 text-red-800">
                Cannot draw that route: {drawError}{' '}
                <button type="button" className="underline" onClick={() => setDrawError(undefined)}>
                  Back to the graph
                </button>
              </div>
            ) : !view ? (
              <div className="m-8 animate-pulse text-slate-500">Loading the request path…</div>
            ) : view.nodes.length === 0 ? (
              <div className="m-8 text-slate-500">
                {data && data.nodes.length > 0 ? 'No node matches the filters.' : 'No ingress gateway found in this cluster.'}
              </div>
            ) : (
              <ProxySyncContext.Provider value={syncBadges}>
                <TopologyGraph view={view} rateView={data} selectedId={current?.id} onSelect={setSelected} dark={dark} onDraw={onDraw} canDraw={canDrawRoute} onEdgeOpen={onEdgeOpen} />
              </ProxySyncContext.Provider>
            )}
          </div>
          {current ? <SidePanel node={current} onClose={() => setSelected(undefined)} /> : null}
        </div>
      </div>
    </div>
  );
}
