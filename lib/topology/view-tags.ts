/**
 * The overview's filter tags: every node on a path gets the union of what that path's nodes
 * contribute (the Gateways, namespaces, hosts and protocols a request on it crosses), plus its own.
 */
import type { NodeData, Topology, TopologyNode } from './types';

export interface Tags {
  gateway?: string[];
  namespace?: string[];
  host?: string[];
  protocol?: string[];
}
type Dim = keyof Tags;

const nsOf = (key: string | undefined) => (key && key.includes('/') ? key.slice(0, key.indexOf('/')) : undefined);

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

/** `ownTags` and a string of it, once per node data object (an incremental build hands out the same object for an unchanged node). */
const ownMemo = new WeakMap<NodeData, { tags: Partial<Record<Dim, string[]>>; sig: string }>();
function own(d: NodeData): { tags: Partial<Record<Dim, string[]>>; sig: string } {
  let hit = ownMemo.get(d);
  if (!hit) {
    const tags = ownTags(d);
    let sig = '';
    for (const [k, v] of Object.entries(tags)) sig += `${k}\u0001${v.join('\u0002')}\u0003`;
    ownMemo.set(d, (hit = { tags, sig }));
  }
  return hit;
}

function add(target: Map<Dim, Set<string>>, from: Partial<Record<Dim, string[]>>): void {
  for (const [dim, values] of Object.entries(from) as Array<[Dim, string[]]>) {
    let set = target.get(dim);
    if (!set) target.set(dim, (set = new Set()));
    for (const v of values) if (v) set.add(v);
  }
}

/** The last tags and what they were computed from (each path's node ids, each node's id and own tags). */
export interface TagsCache {
  last?: { input: string[]; tags: Map<string, Tags> };
}

/**
 * The tags of every node. With a cache, when every path crosses the same nodes and every node
 * contributes the same tags as last time (a readiness flip, a weight edit), last time's tags.
 */
export function nodeTags(t: Topology, byId: ReadonlyMap<string, TopologyNode>, cache?: TagsCache): Map<string, Tags> {
  if (cache?.last && sameInput(cache.last.input, t)) return cache.last.tags;

  // Many paths carry the same tags (those of one route differ only by pods of one namespace):
  // a node adds a path's tags only the first time it sees them (adding them again changes nothing).
  const tags = new Map<string, Map<Dim, Set<string>>>();
  const seenByNode = new Map<string, Set<string>>();
  for (const p of t.paths) {
    const pathTags = new Map<Dim, Set<string>>();
    for (const id of p.nodes) {
      const n = byId.get(id);
      if (n) add(pathTags, own(n.data).tags);
    }
    let sig = '';
    for (const [k, v] of pathTags) sig += `${k}\u0001${[...v].join('\u0002')}\u0003`;
    let flat: Partial<Record<Dim, string[]>> | undefined;
    for (const id of p.nodes) {
      let seen = seenByNode.get(id);
      if (!seen) seenByNode.set(id, (seen = new Set()));
      if (seen.has(sig)) continue;
      seen.add(sig);
      flat ??= Object.fromEntries([...pathTags].map(([k, v]) => [k, [...v]])) as Partial<Record<Dim, string[]>>;
      let mine = tags.get(id);
      if (!mine) tags.set(id, (mine = new Map()));
      add(mine, flat);
    }
  }

  const out = new Map<string, Tags>();
  for (const n of t.nodes) {
    const mine = tags.get(n.id) ?? new Map<Dim, Set<string>>();
    add(mine, own(n.data).tags);
    const tagObj: Tags = {};
    for (const [dim, set] of mine) if (set.size) tagObj[dim] = [...set].sort();
    out.set(n.id, tagObj);
  }
  if (cache) cache.last = { input: inputOf(t), tags: out };
  return out;
}

/** What the tags are computed from: each path's node ids (each path closed by a NUL), then each node's id and own tags. */
function inputOf(t: Topology): string[] {
  const input: string[] = [];
  for (const p of t.paths) {
    for (const id of p.nodes) input.push(id);
    input.push('\u0000');
  }
  for (const n of t.nodes) input.push(n.id, own(n.data).sig);
  return input;
}

/** `inputOf(t)` equals `last`, compared in place. */
function sameInput(last: readonly string[], t: Topology): boolean {
  let i = 0;
  for (const p of t.paths) {
    for (const id of p.nodes) if (last[i++] !== id) return false;
    if (last[i++] !== '\u0000') return false;
  }
  for (const n of t.nodes) {
    if (last[i++] !== n.id) return false;
    if (last[i++] !== own(n.data).sig) return false;
  }
  return i === last.length;
}
