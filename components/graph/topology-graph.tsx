'use client';
import '@xyflow/react/dist/style.css';
import { Background, Controls, Panel, ReactFlow, ReactFlowProvider, useReactFlow, useViewport, type Connection, type Edge, type EdgeMouseHandler, type NodeMouseHandler } from '@xyflow/react';
import { useCallback, useEffect, useMemo } from 'react';
import { edgeLogsHref } from '@/lib/topology/edge-logs';
import { ERROR_THRESHOLDS } from '@/lib/topology/edge-rates';
import { currentEdgeIndex, setEdgeRateViews } from './edge-rates';
import { FlowEdgeComponent, LEVEL_COLOUR } from './flow-edge';
import { NODE_WIDTH, StageNode } from './stage-node';
import { EDGE_LABEL_LIMIT, toFlow } from './to-flow';
import type { TopologyView, ViewNode } from './types';

const nodeTypes = { stage: StageNode };
const edgeTypes = { flow: FlowEdgeComponent };

interface Props {
  view: TopologyView;
  selectedId?: string;
  onSelect(node: ViewNode | undefined): void;
  dark: boolean;
  /** Expose the React Flow instance as `window.__gatescopeFlow` (benchmarks only). */
  exposeInstance?: boolean;
  /** A connection drawn from one node to another (the overview turns it into a prefilled route). */
  onDraw?(source: ViewNode, target: ViewNode): void;
  canDraw?(source: ViewNode | undefined, target: ViewNode | undefined): boolean;
  /** The unfiltered topology the edge rates are computed on (default: `view`). */
  rateView?: TopologyView;
  /** An edge was clicked: `href` is the Logs page filtered to its lines. */
  onEdgeOpen?(href: string, edgeId: string): void;
}

/** Stage titles above their columns, following pan and zoom. */
function StageHeaders({ stages }: { stages: TopologyView['stages'] }) {
  const { x, zoom } = useViewport();
  return (
    <div className="pointer-events-none absolute inset-x-0 top-0 z-10 h-6 overflow-hidden border-b border-slate-200/60 bg-white/80 text-[11px] font-medium uppercase tracking-wide text-slate-500 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80" data-testid="stage-headers">
      {stages.map((s) => (
        <span key={s.stage} className="absolute top-1 whitespace-nowrap" style={{ left: x + s.x * zoom, width: NODE_WIDTH * zoom, textAlign: 'center' }}>
          {s.title}
        </span>
      ))}
    </div>
  );
}

/** What the edges' colour, dash and numbers mean. */
function EdgeLegend() {
  const swatch = (colour: string, text: string) => (
    <span className="flex items-center gap-1">
      <svg width="18" height="6" aria-hidden>
        <line x1="1" y1="3" x2="17" y2="3" stroke={colour} strokeWidth="3" strokeDasharray="5 3" />
      </svg>
      {text}
    </span>
  );
  return (
    <div
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded border border-slate-200 bg-white/90 px-2 py-1 text-[11px] text-slate-600 shadow-sm dark:border-slate-700 dark:bg-slate-900/90 dark:text-slate-300"
      data-testid="edge-legend"
    >
      <span className="font-medium">Edges · req/s over the last 10 s, 5xx share:</span>
      {swatch(LEVEL_COLOUR.ok, `< ${ERROR_THRESHOLDS.warn}%`)}
      {swatch(LEVEL_COLOUR.warn, `${ERROR_THRESHOLDS.warn}–${ERROR_THRESHOLDS.fail}%`)}
      {swatch(LEVEL_COLOUR.fail, `> ${ERROR_THRESHOLDS.fail}%`)}
      <span>faster dash = more req/s · ≈ shared out · click an edge for its log lines</span>
    </div>
  );
}

function Canvas({ view, selectedId, onSelect, dark, exposeInstance, onDraw, canDraw, rateView, onEdgeOpen }: Props) {
  const { nodes, edges } = useMemo(() => toFlow(view, selectedId), [view, selectedId]);
  // Edge rates: computed on the whole topology, drawn on the edges shown (edge-rates.ts).
  useEffect(() => setEdgeRateViews(rateView ?? view, view, view.edges.length <= EDGE_LABEL_LIMIT), [rateView, view]);
  const openEdge = useCallback(
    (id: string) => {
      const index = currentEdgeIndex();
      const href = index ? edgeLogsHref(index, id) : undefined;
      if (href) onEdgeOpen?.(href, id);
    },
    [onEdgeOpen],
  );
  const onEdgeClick: EdgeMouseHandler = useCallback((_e, edge) => openEdge(edge.id), [openEdge]);
  const flow = useReactFlow();
  const byId = useMemo(() => new Map(view.nodes.map((n) => [n.id, n])), [view]);
  const onNodeClick: NodeMouseHandler = useCallback((_e, n) => onSelect(byId.get(n.id)), [byId, onSelect]);
  const isValidConnection = useCallback((c: Connection | Edge) => !!canDraw?.(byId.get(c.source), byId.get(c.target)), [byId, canDraw]);
  const onConnect = useCallback(
    (c: Connection) => {
      const s = byId.get(c.source);
      const t = byId.get(c.target);
      if (s && t && canDraw?.(s, t)) onDraw?.(s, t);
    },
    [byId, canDraw, onDraw],
  );

  // Keyboard: f = fit, + / - = zoom, Escape = close the panel, Enter on a focused edge = its log lines.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      const edgeId = e.key === 'Enter' ? t?.closest?.('.react-flow__edge')?.getAttribute('data-id') : undefined;
      if (edgeId) openEdge(edgeId);
      else if (e.key === 'f') void flow.fitView({ padding: 0.1, duration: 200 });
      else if (e.key === '+' || e.key === '=') void flow.zoomIn({ duration: 150 });
      else if (e.key === '-') void flow.zoomOut({ duration: 150 });
      else if (e.key === 'Escape') onSelect(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow, onSelect, openEdge]);

  useEffect(() => {
    if (!exposeInstance) return;
    (window as unknown as Record<string, unknown>).__gatescopeFlow = flow;
    return () => void delete (window as unknown as Record<string, unknown>).__gatescopeFlow;
  }, [exposeInstance, flow]);

  const nodeCount = view.nodes.length;
  useEffect(() => {
    // Fit when the graph's size changes (first load, filter), not on every live update.
    const id = requestAnimationFrame(() => void flow.fitView({ padding: 0.08 }));
    return () => cancelAnimationFrame(id);
  }, [nodeCount, flow]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodeClick={onNodeClick}
      onEdgeClick={onEdgeOpen ? onEdgeClick : undefined}
      onPaneClick={() => onSelect(undefined)}
      nodesDraggable={false}
      nodesConnectable={!!onDraw}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      elementsSelectable
      minZoom={0.1}
      maxZoom={2}
      colorMode={dark ? 'dark' : 'light'}
      onlyRenderVisibleElements={nodeCount > 300}
      proOptions={{ hideAttribution: true }}
      fitView
    >
      <StageHeaders stages={view.stages} />
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
      <Panel position="bottom-right">
        <EdgeLegend />
      </Panel>
    </ReactFlow>
  );
}

export function TopologyGraph(props: Props) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
