/**
 * A small mutable graph used while building a Topology: nodes and edges by id (first writer
 * wins), warnings with a level, health computed at the end.
 */
import { STAGE_INDEX, type Stage } from './stages';
import type { EdgeData, Health, NodeData, Topology, TopologyEdge, TopologyNode, TopologyPath } from './types';

export type Level = 'error' | 'warning';

export class GraphBuilder {
  private readonly nodes = new Map<string, Omit<TopologyNode, 'health' | 'warnings'>>();
  private readonly problems = new Map<string, Array<{ level: Level; message: string }>>();
  private readonly edges = new Map<string, TopologyEdge>();
  private readonly bySourceTarget = new Map<string, string[]>();

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
    const id = `${source}->${target}${key ? `|${key}` : ''}`;
    if (!this.edges.has(id)) {
      this.edges.set(id, { id, source, target, data });
      const k = `${source}\n${target}`;
      this.bySourceTarget.set(k, [...(this.bySourceTarget.get(k) ?? []), id]);
    }
    return id;
  }

  /** Ids of the edges from `source` to `target`. */
  edgesBetween(source: string, target: string): string[] {
    return this.bySourceTarget.get(`${source}\n${target}`) ?? [];
  }

  build(paths: TopologyPath[]): Topology {
    const nodes: TopologyNode[] = [...this.nodes.values()]
      .map((n) => {
        const list = this.problems.get(n.id) ?? [];
        const health: Health = list.some((p) => p.level === 'error') ? 'error' : list.length ? 'warning' : 'ok';
        const warnings = [...list.filter((p) => p.level === 'error'), ...list.filter((p) => p.level === 'warning')].map((p) => p.message);
        return { ...n, health, warnings };
      })
      .sort((a, b) => STAGE_INDEX[a.stage] - STAGE_INDEX[b.stage]);
    return { nodes, edges: [...this.edges.values()], paths };
  }
}
