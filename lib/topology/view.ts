/**
 * Topology + layout → the view the overview renders (`GET /api/topology`, the `topology` topic):
 * positioned nodes with a second line of detail, filter tags, the resource each node stands for,
 * and edges labelled with their port or weight. Pure: the server computes it once per cache
 * version and every browser gets the same positions.
 */
import { layoutTopology, type LayoutOptions } from './layout';
import { cachedLayout, type ViewCache } from './view-cache';
import { nodeTags } from './view-tags';
import { STAGE_LABELS, type Stage } from './stages';
import type { Health, NodeData, Topology, TopologyNode } from './types';

export type StageName = Stage;

export interface ViewNode {
  id: string;
  stage: StageName;
  label: string;
  /** Second line under the label (ports, hosts, match…). */
  detail?: string;
  health: Health;
  warnings: string[];
  x: number;
  y: number;
  /** Raw fields for the side panel. */
  data?: Record<string, unknown>;
  /** Filter dimensions: the Gateways, namespaces, hosts and protocols whose paths cross this node. */
  tags?: { gateway?: string[]; namespace?: string[]; host?: string[]; protocol?: string[] };
  /** Resource the node stands for, for links and YAML. */
  ref?: { plural: string; namespace?: string; name: string };
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  broken?: boolean;
  /** The hop's port (Service port, NodePort, listener or pod port), as on the topology edge. */
  port?: number;
  /** The subset a route → Service edge sends to. */
  subset?: string;
}

export interface TopologyView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  stages: Array<{ stage: StageName; title: string; x: number }>;
  /** Paths a request can take, and how many of them stop at a broken link. */
  paths: { total: number; broken: number };
}

const split = (key: string): { namespace?: string; name: string } => {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

function detailOf(d: NodeData): string | undefined {
  switch (d.kind) {
    case 'client':
      return 'outside the cluster';
    case 'loadBalancer':
      return `${d.service}${d.portName ? ` · ${d.portName}` : ''}`;
    case 'nodePort':
      return `NodePort → port ${d.port}`;
    case 'gatewayPod':
      return [d.ip, d.ready ? 'ready' : 'not ready'].filter(Boolean).join(' · ');
    case 'gatewayServer':
      return [d.tls?.credentialName ? `cert ${d.tls.credentialName}` : undefined, d.tls?.httpsRedirect ? 'httpsRedirect' : undefined, d.listenerPort ? `listener ${d.listenerPort}` : 'no listener']
        .filter(Boolean)
        .join(' · ');
    case 'virtualService':
      return d.hosts.join(', ');
    case 'route': {
      const what = d.redirect ? `redirect ${d.redirect}` : d.directResponse ? `direct ${d.directResponse}` : d.destinations.map((x) => `${x.host.replace(/\.svc\.cluster\.local$/, '')}${x.subset ? `/${x.subset}` : ''} ${x.weight}%`).join(', ');
      const match = d.matches.length ? d.matches.join(' | ') : `all ${d.routeKind} traffic`;
      return [match, d.rewrite ? `rewrite ${d.rewrite}` : undefined, what].filter(Boolean).join(' → ');
    }
    case 'service':
      return d.ports.length ? `ports ${d.ports.join(', ')}` : d.service ? undefined : 'no such Service';
    case 'subset':
      return d.labels ? Object.entries(d.labels).map(([k, v]) => `${k}=${v}`).join(',') : 'no DestinationRule defines it';
    case 'pod':
      return [d.ip, d.ready ? 'ready' : 'not ready'].filter(Boolean).join(' · ');
  }
}

function refOf(d: NodeData): ViewNode['ref'] {
  switch (d.kind) {
    case 'loadBalancer':
    case 'nodePort':
      return { plural: 'services', ...split(d.service) };
    case 'gatewayPod':
    case 'pod':
      return { plural: 'pods', ...split(d.pod) };
    case 'gatewayServer':
      return { plural: 'gateways', ...split(d.gateway) };
    case 'virtualService':
    case 'route':
      return { plural: 'virtualservices', ...split(d.virtualService) };
    case 'service':
      return d.service ? { plural: 'services', ...split(d.service) } : undefined;
    case 'subset':
      return d.destinationRule ? { plural: 'destinationrules', ...split(d.destinationRule) } : undefined;
    default:
      return undefined;
  }
}

/** Whether last view's node stands for this node unchanged (what `toViewNode` reads). */
function sameViewNode(prev: ViewNode, n: TopologyNode, tags: ViewNode['tags'], pos: { x: number; y: number }): boolean {
  if (prev.data !== (n.data as unknown) || prev.label !== n.label || prev.stage !== n.stage || prev.health !== n.health) return false;
  if (prev.tags !== tags || prev.x !== pos.x || prev.y !== pos.y || prev.warnings.length !== n.warnings.length) return false;
  for (let i = 0; i < n.warnings.length; i++) if (prev.warnings[i] !== n.warnings[i]) return false;
  return true;
}

/**
 * Lays out a topology and converts it for the overview.
 *
 * @example toTopologyView(buildTopology(snapshot)).nodes.find((n) => n.stage === 'route')?.detail
 */
export function toTopologyView(t: Topology, layout: LayoutOptions = {}, cache?: ViewCache): TopologyView {
  const byId = new Map<string, TopologyNode>(t.nodes.map((n) => [n.id, n]));
  const layoutOpts = { rowHeight: 64, columnWidth: 272, ...layout };
  // With a cache (IncrementalTopology), an unchanged graph shape keeps its positions.
  const { positions, columns } = cache ? cachedLayout(cache.layout, t.nodes, t.edges, layoutOpts) : layoutTopology(t.nodes, t.edges, layoutOpts);

  // Tags: every node on a path gets the union of what that path's nodes contribute (view-tags.ts).
  const tags = nodeTags(t, byId, cache?.tags);
  const brokenAt = new Set<string>();
  let broken = 0;
  for (const p of t.paths) {
    if (p.broken) {
      broken++;
      brokenAt.add(p.broken.node);
    }
  }

  const nodes: ViewNode[] = t.nodes.map((n) => {
    const tagObj = tags.get(n.id)!;
    const pos = positions[n.id] ?? { x: 0, y: 0 };
    // With a cache: the same node (same data object, label, health, warnings, tags, place) keeps last view's object.
    const prev = cache?.nodes.get(n.id);
    if (prev && sameViewNode(prev, n, tagObj, pos)) return prev;
    const view = toViewNode(n, tagObj, pos);
    cache?.nodes.set(n.id, view);
    return view;
  });
  if (cache && cache.nodes.size > nodes.length) {
    const live = new Set(nodes.map((n) => n.id));
    for (const id of cache.nodes.keys()) if (!live.has(id)) cache.nodes.delete(id);
  }

  function toViewNode(n: TopologyNode, tagObj: NonNullable<ViewNode['tags']>, pos: { x: number; y: number }): ViewNode {
    const detail = detailOf(n.data);
    const ref = refOf(n.data);
    return {
      id: n.id,
      stage: n.stage,
      label: n.label,
      ...(detail ? { detail } : {}),
      health: n.health,
      warnings: n.warnings,
      x: pos.x,
      y: pos.y,
      data: n.data as unknown as Record<string, unknown>,
      tags: tagObj,
      ...(ref ? { ref } : {}),
    };
  }

  const edges: ViewEdge[] = t.edges.map((e) => {
    const label = e.data.weight !== undefined && e.data.weight < 100 ? `${e.data.weight}%` : e.data.port !== undefined ? `:${e.data.port}` : undefined;
    const target = byId.get(e.target);
    const isBroken = brokenAt.has(e.target) && target?.health === 'error';
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      ...(label ? { label } : {}),
      ...(isBroken ? { broken: true } : {}),
      ...(e.data.port !== undefined ? { port: e.data.port } : {}),
      ...(e.data.subset ? { subset: e.data.subset } : {}),
    };
  });

  const stages = (Object.entries(columns) as Array<[Stage, number]>).sort((a, b) => a[1] - b[1]).map(([stage, x]) => ({ stage, title: STAGE_LABELS[stage], x }));
  return { nodes, edges, stages, paths: { total: t.paths.length, broken } };
}
