/**
 * A small mutable graph used while building a Topology: nodes and edges by id (first writer
 * wins), warnings with a level, health computed at the end.
 */
import { STAGE_INDEX, type Stage } from './stages';
import type { EdgeData, Health, NodeData, Topology, TopologyEdge, TopologyNode, TopologyPath } from './types';

export type Level = 'error' | 'warning';

/** What the build steps write into: nodes, edges and warnings (a GraphBuilder or a GraphRecorder). */
export interface GraphSink {
  node(id: string, stage: Stage, label: string, data: NodeData): string;
  warn(id: string, level: Level, message: string): void;
  edge(source: string, target: string, data?: EdgeData, key?: string): string;
}

/** An edge's id: one per source, target and key. */
export const edgeId = (source: string, target: string, key = '') => `${source}->${target}${key ? `|${key}` : ''}`;

/** One recorded write, or a step of the caller's own (`x`). */
export type GraphOp<X = never> =
  | { t: 'node'; id: string; stage: Stage; label: string; data: NodeData }
  | { t: 'warn'; id: string; level: Level; message: string }
  | { t: 'edge'; id: string; source: string; target: string; data: EdgeData }
  | { t: 'x'; x: X };

/**
 * Records the writes of a build step so that a later build whose inputs to that step are the same
 * objects replays them instead of computing them again (see `memo.ts`): replaying into a
 * GraphBuilder gives exactly what running the step on it would.
 */
export class GraphRecorder<X = never> implements GraphSink {
  readonly ops: Array<GraphOp<X>> = [];

  node(id: string, stage: Stage, label: string, data: NodeData): string {
    this.ops.push({ t: 'node', id, stage, label, data });
    return id;
  }

  warn(id: string, level: Level, message: string): void {
    this.ops.push({ t: 'warn', id, level, message });
  }

  edge(source: string, target: string, data: EdgeData = {}, key = ''): string {
    const id = edgeId(source, target, key);
    this.ops.push({ t: 'edge', id, source, target, data });
    return id;
  }

  /** Records a step of the caller's own, handed back in order by `replay`. */
  note(x: X): void {
    this.ops.push({ t: 'x', x });
  }
}

/** Plays recorded writes into a graph, in order; the caller's own steps go to `onNote`. */
export function replay<X>(ops: ReadonlyArray<GraphOp<X>>, g: GraphSink & { edgeWithId?: GraphBuilder['edgeWithId'] }, onNote?: (x: X) => void): void {
  for (const op of ops) {
    if (op.t === 'node') g.node(op.id, op.stage, op.label, op.data);
    else if (op.t === 'edge') {
      if (g.edgeWithId) g.edgeWithId(op.id, op.source, op.target, op.data);
      else g.edge(op.source, op.target, op.data, op.id.slice(`${op.source}->${op.target}|`.length));
    }
    else if (op.t === 'warn') g.warn(op.id, op.level, op.message);
    else onNote?.(op.x);
  }
}

export class GraphBuilder implements GraphSink {
  private readonly nodes = new Map<string, Omit<TopologyNode, 'health' | 'warnings'>>();
  private readonly problems = new Map<string, Array<{ level: Level; message: string }>>();
  private readonly edges = new Map<string, TopologyEdge>();
  private readonly bySourceTarget = new Map<string, Map<string, string[]>>();

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  node(id: string, stage: Stage, label: string, data: NodeData): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, stage, label, data });
    return id;
  }

  warn(id: string, level: Level, message: string): void {
    const list = this.problems.get(id) ?? [];
    if (!list.some((p) => p.message === message)) list.push({ level, message });
    this.problems.set(id, list);
  }

  /** Whether the node has an error-level problem. */
  hasError(id: string): boolean {
    return (this.problems.get(id) ?? []).some((p) => p.level === 'error');
  }

  /** The node's first error (or warning, with `orWarning`). */
  firstProblem(id: string, orWarning = false): string | undefined {
    const list = this.problems.get(id) ?? [];
    return (list.find((p) => p.level === 'error') ?? (orWarning ? list[0] : undefined))?.message;
  }

  edge(source: string, target: string, data: EdgeData = {}, key = ''): string {
    return this.edgeWithId(edgeId(source, target, key), source, target, data);
  }

  /** `edge` with its id already made (`edgeId(source, target, key)`), as a replay has it. */
  edgeWithId(id: string, source: string, target: string, data: EdgeData): string {
    if (!this.edges.has(id)) {
      this.edges.set(id, { id, source, target, data });
      let bySource = this.bySourceTarget.get(source);
      if (!bySource) this.bySourceTarget.set(source, (bySource = new Map()));
      const list = bySource.get(target);
      if (list) list.push(id);
      else bySource.set(target, [id]);
    }
    return id;
  }

  /** Ids of the edges from `source` to `target` (do not modify). */
  edgesBetween(source: string, target: string): readonly string[] {
    return this.bySourceTarget.get(source)?.get(target) ?? [];
  }

  build(paths: TopologyPath[]): Topology {
    const nodes: TopologyNode[] = [...this.nodes.values()]
      .map((n) => {
        const list = this.problems.get(n.id) ?? [];
        const health: Health = list.some((p) => p.level === 'error') ? 'error' : list.length ? 'warning' : 'ok';
        const warnings = list.length ? [...list.filter((p) => p.level === 'error'), ...list.filter((p) => p.level === 'warning')].map((p) => p.message) : [];
        return { id: n.id, stage: n.stage, label: n.label, data: n.data, health, warnings };
      })
      .sort((a, b) => STAGE_INDEX[a.stage] - STAGE_INDEX[b.stage]);
    return { nodes, edges: [...this.edges.values()], paths };
  }
}
