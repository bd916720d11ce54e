/**
 * What `toTopologyView` can keep from one view to the next (IncrementalTopology holds one):
 *
 * - the last layout, reused while the graph keeps its shape: the layout reads only the nodes'
 *   ids and stages and the edges' ends, in order, so when those are the same (a readiness flip,
 *   a weight edit, a new warning) the positions are the same;
 * - the last tags (`view-tags.ts`), reused while every path crosses the same nodes and every node
 *   contributes the same tags;
 * - last view's node objects, for nodes whose data object, label, health, warnings, tags and
 *   place are the same.
 */
import { layoutTopology, type LayoutOptions, type LayoutResult } from './layout';
import type { Stage } from './stages';
import type { ViewNode } from './view';
import type { TagsCache } from './view-tags';

export interface ViewCache {
  layout: LayoutCache;
  tags: TagsCache;
  /** Last view's nodes by id, handed out again when nothing they show changed. */
  nodes: Map<string, ViewNode>;
}

export function createViewCache(): ViewCache {
  return { layout: {}, tags: {}, nodes: new Map() };
}

export interface LayoutCache {
  last?: { ids: string[]; stages: Stage[]; sources: string[]; targets: string[]; opts: string; result: LayoutResult };
}

function same(prev: { ids: string[]; stages: Stage[]; sources: string[]; targets: string[] }, nodes: ReadonlyArray<{ id: string; stage: Stage }>, edges: ReadonlyArray<{ source: string; target: string }>): boolean {
  if (prev.ids.length !== nodes.length || prev.sources.length !== edges.length) return false;
  for (let i = 0; i < nodes.length; i++) if (prev.ids[i] !== nodes[i]!.id || prev.stages[i] !== nodes[i]!.stage) return false;
  for (let i = 0; i < edges.length; i++) if (prev.sources[i] !== edges[i]!.source || prev.targets[i] !== edges[i]!.target) return false;
  return true;
}

/** `layoutTopology`, or the cached result when nodes, edges and options are the same as last time. */
export function cachedLayout(
  cache: LayoutCache,
  nodes: ReadonlyArray<{ id: string; stage: Stage }>,
  edges: ReadonlyArray<{ source: string; target: string }>,
  opts: LayoutOptions = {},
): LayoutResult {
  const key = JSON.stringify(opts);
  if (cache.last && cache.last.opts === key && same(cache.last, nodes, edges)) return cache.last.result;
  const result = layoutTopology(nodes, edges, opts);
  cache.last = {
    ids: nodes.map((n) => n.id),
    stages: nodes.map((n) => n.stage),
    sources: edges.map((e) => e.source),
    targets: edges.map((e) => e.target),
    opts: key,
    result,
  };
  return result;
}
