import { MarkerType } from '@xyflow/react';
import { parallelBends } from '@/lib/topology/edge-labels';
import { STAGE_LABELS, type Stage } from '@/lib/topology/stages';
import type { FlowEdge } from './flow-edge';
import type { StageFlowNode } from './stage-node';
import type { TopologyView } from './types';

/** The one seam from the topology view model to React Flow objects. */
/** Above this many edges, edge labels (an SVG rect + text each) are left out: they cost frames while panning. */
export const EDGE_LABEL_LIMIT = 400;

export function toFlow(view: TopologyView, selectedId?: string): { nodes: StageFlowNode[]; edges: FlowEdge[] } {
  const labels = view.edges.length <= EDGE_LABEL_LIMIT;
  const nodes: StageFlowNode[] = view.nodes.map((n) => ({
    id: n.id,
    type: 'stage',
    position: { x: n.x, y: n.y },
    data: { view: n, selected: n.id === selectedId },
    selected: n.id === selectedId,
    draggable: false,
    connectable: false,
  }));
  const bends = parallelBends(view.edges);
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = byId.get(id);
    return n ? `${STAGE_LABELS[n.stage as Stage] ?? n.stage} ${n.label}` : id;
  };
  const edges: FlowEdge[] = view.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: labels ? e.label : undefined,
    // Read out when the edge gets keyboard focus (Tab); Enter opens its log lines (topology-graph.tsx).
    ariaLabel: `${name(e.source)} to ${name(e.target)}${e.label ? ` (${e.label})` : ''}${e.broken ? ', broken' : ''}`,
    // Live traffic drawn by components/graph/flow-edge.tsx (a bezier like React Flow's default).
    type: 'flow',
    animated: false,
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
    style: e.broken ? { stroke: '#dc2626', strokeDasharray: '4 3' } : { stroke: '#94a3b8' },
    labelStyle: { fontSize: 11, fontFamily: 'ui-monospace, monospace' },
    data: { broken: !!e.broken, labels, bend: bends.get(e.id) ?? 0 },
  }));
  return { nodes, edges };
}
