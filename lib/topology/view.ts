/**
 * Topology + layout → the view the overview renders (`GET /api/topology`, the `topology` topic):
 * positioned nodes with a second line of detail, filter tags, the resource each node stands for,
 * and edges labelled with their port or weight. Pure: the server computes it once per cache
 * version and every browser gets the same positions.
 */
import { layoutTopology, type LayoutOptions } from './layout';
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
}

export interface TopologyView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  stages: Array<{ stage: StageName; title: string; x: number }>;
  /** Paths a request can take, and how many of them stop at a broken link. */
  paths: { total: number; broken: number };
}

type Tags = NonNullable<ViewNode['tags']>;
type Dim = keyof Tags;

const split = (key: string): { namespace?: string; name: string } => {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
};
const nsOf = (key: string | undefined) => (key && key.includes('/') ? key.slice(0, key.indexOf('/')) : undefined);

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

/** What a node contributes to the tags of every path through it. */
function ownTags(d: NodeData): Partial<Record<Dim, string[]>> {
  switch (d.kind) {
    case 'gatewayServer':
      return { gateway: [d.gateway], namespace: [nsOf(d.gateway)!], protocol: [d.protocol], host: d.hosts };
    case 'gatewayPod':
      return { namespace: [nsOf(d.pod)!] };
    case 'virtualService':
      return { namespace: [nsOf(d.virtualService)!], host: d.hosts };
    case 'route':
      return { namespace: [nsOf(d.virtualService)!] };
    case 'service':
      return d.service ? { namespace: [nsOf(d.service)!] } : {};
    case 'pod':
      return { namespace: [nsOf(d.pod)!] };
    default:
      return {};
  }
}

function add(target: Map<Dim, Set<string>>, from: Partial<Record<Dim, string[]>>): void {
  for (const [dim, values] of Object.entries(from) as Array<[Dim, string[]]>) {
    let set = target.get(dim);
    if (!set) target.set(dim, (set = new Set()));
    for (const v of values) if (v) set.add(v);
  }
}

/**
 * Lays out a topology and converts it for the overview.
 *
 * @example toTopologyView(buildTopology(snapshot)).nodes.find((n) => n.stage === 'route')?.detail
 */
export function toTopologyView(t: Topology, layout: LayoutOptions = {}): TopologyView {
  const byId = new Map<string, TopologyNode>(t.nodes.map((n) => [n.id, n]));
  const { positions, columns } = layoutTopology(t.nodes, t.edges, { rowHeight: 64, columnWidth: 216, ...layout });

  // Tags: every node on a path gets the union of what that path's nodes contribute.
  const tags = new Map<string, Map<Dim, Set<string>>>();
  const brokenAt = new Set<string>();
  let broken = 0;
  for (const p of t.paths) {
    const pathTags = new Map<Dim, Set<string>>();
    for (const id of p.nodes) {
      const n = byId.get(id);
      if (n) add(pathTags, ownTags(n.data));
    }
    const flat = Object.fromEntries([...pathTags].map(([k, v]) => [k, [...v]])) as Partial<Record<Dim, string[]>>;
    for (const id of p.nodes) {
      let mine = tags.get(id);
      if (!mine) tags.set(id, (mine = new Map()));
      add(mine, flat);
    }
    if (p.broken) {
      broken++;
      brokenAt.add(p.broken.node);
    }
  }

  const nodes: ViewNode[] = t.nodes.map((n) => {
    const mine = tags.get(n.id) ?? new Map<Dim, Set<string>>();
    add(mine, ownTags(n.data));
    const tagObj: Tags = {};
    for (const [dim, set] of mine) if (set.size) tagObj[dim] = [...set].sort();
    const pos = positions[n.id] ?? { x: 0, y: 0 };
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
  });

  const edges: ViewEdge[] = t.edges.map((e) => {
    const label = e.data.weight !== undefined && e.data.weight < 100 ? `${e.data.weight}%` : e.data.port !== undefined ? `:${e.data.port}` : undefined;
    const target = byId.get(e.target);
    const isBroken = brokenAt.has(e.target) && target?.health === 'error';
    return { id: e.id, source: e.source, target: e.target, ...(label ? { label } : {}), ...(isBroken ? { broken: true } : {}) };
  });

  const stages = (Object.entries(columns) as Array<[Stage, number]>).sort((a, b) => a[1] - b[1]).map(([stage, x]) => ({ stage, title: STAGE_LABELS[stage], x }));
  return { nodes, edges, stages, paths: { total: t.paths.length, broken } };
}
