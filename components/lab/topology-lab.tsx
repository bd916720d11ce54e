'use client';
/**
 * The overview's graph on a synthetic mesh of about `?nodes=` nodes (lib/topology/synthetic), so
 * frame rate and layout can be measured in a real browser without a large cluster. The React Flow
 * instance is exposed as `window.__gatescopeFlow` for the benchmark's scripted pan.
 */
import { useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState } from 'react';
import { applyEdgeRates } from '@/components/graph/edge-rates';
import { applyNodeRates } from '@/components/graph/node-rates';
import { TopologyGraph } from '@/components/graph/topology-graph';
import type { TopologyView, ViewNode } from '@/components/graph/types';
import { buildTopology } from '@/lib/topology/build';
import { syntheticSnapshot, type SyntheticSize } from '@/lib/topology/synthetic';
import { toTopologyView } from '@/lib/topology/view';

/** Roughly `nodes` topology nodes: about one node per pod plus 3 per Service and 3 per VirtualService. */
function sizeFor(nodes: number): SyntheticSize {
  const k = Math.max(1, Math.round(nodes / 980));
  return { gateways: 6 * k, virtualServices: 60 * k, services: 120 * k, pods: 600 * k };
}

function Lab() {
  const params = useSearchParams();
  const want = Number(params.get('nodes') ?? 1000);
  const [selected, setSelected] = useState<ViewNode | undefined>();
  const [built, setBuilt] = useState<{ view: TopologyView; ms: number } | undefined>();
  useEffect(() => {
    // Built after mount (timed), as the server would hand it over.
    const id = setTimeout(() => {
      const t0 = performance.now();
      const v = toTopologyView(buildTopology(syntheticSnapshot(sizeFor(want))));
      setBuilt({ view: v, ms: performance.now() - t0 });
    }, 0);
    return () => clearTimeout(id);
  }, [want]);
  useEffect(() => {
    // The benchmark's live-metrics tick: numbers for every node through the per-node store.
    (window as unknown as Record<string, unknown>).__gatescopeRates = applyNodeRates;
    (window as unknown as Record<string, unknown>).__gatescopeEdgeRates = applyEdgeRates;
  }, []);
  if (!built) return <div className="m-8 text-slate-500">Building the synthetic request path…</div>;
  const { view, ms } = built;
  return (
    <div className="flex h-[calc(100vh-41px)] flex-col">
      <div className="border-b border-slate-200 px-4 py-2 text-sm" data-testid="lab-summary" data-nodes={view.nodes.length} data-build-ms={ms.toFixed(1)}>
        Synthetic request path: {view.nodes.length} nodes, {view.edges.length} edges, built and laid out in {ms.toFixed(0)} ms (in this tab).
      </div>
      <div className="relative min-h-0 flex-1">
        <TopologyGraph view={view} selectedId={selected?.id} onSelect={setSelected} dark={false} exposeInstance />
      </div>
    </div>
  );
}

export function TopologyLab() {
  return (
    <Suspense fallback={null}>
      <Lab />
    </Suspense>
  );
}
