'use client';
import '@xyflow/react/dist/style.css';
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, useViewport, type Connection, type Edge, type NodeMouseHandler } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { NODE_WIDTH, StageNode } from './stage-node';
import { toFlow } from './to-flow';
import type { TopologyView, ViewNode } from './types';

const nodeTypes = { stage: StageNode };

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

function Canvas({ view, selectedId, onSelect, dark, exposeInstance, onDraw, canDraw }: Props) {
  const { nodes, edges } = useMemo(() => toFlow(view, selectedId), [view, selectedId]);
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

  // Keyboard: f = fit, + / - = zoom, Escape = close the panel.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (e.key === 'f') void flow.fitView({ padding: 0.1, duration: 200 });
      else if (e.key === '+' || e.key === '=') void flow.zoomIn({ duration: 150 });
      else if (e.key === '-') void flow.zoomOut({ duration: 150 });
      else if (e.key === 'Escape') onSelect(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow, onSelect]);

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
      onNodeClick={onNodeClick}
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
