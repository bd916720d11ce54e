/**
 * Topology benchmark (`npm run bench topology`):
 *  1. build + view of a synthetic cluster of 5,000 pods, 1,000 Services, 500 VirtualServices,
 *     50 Gateways (lib/topology/synthetic.ts): median of 5 warm runs;
 *  2. one watch event (a pod's readiness flips) → new view: a full rebuild from the cache's lists
 *     (what the server did before lib/topology/incremental.ts), and the incremental engine the
 *     server now runs (lib/topology/incremental.ts) for a readiness flip and for a
 *     VirtualService weight edit, median of 7 (target ≤ 100 ms each: a watch event → UI should
 *     cost at most a few hundred ms, /work/shared/notes/performance.md);
 *  3. layout of a ~1,000-node topology: our stage-column layout vs elkjs's layered algorithm on
 *     the same nodes and edges (same node sizes), as a ratio (target ≤ 0.05; issue 4 asks
 *     ≤ 100 ms at 1,000 nodes).
 * Prints readable lines and one `{"figure":…}` JSON line per figure.
 */
import { performance } from 'node:perf_hooks';
import ELK from 'elkjs/lib/elk.bundled.js';
import { meshSnapshotFromPlurals } from '../lib/istio/snapshot';
import type { KubeObject } from '../lib/kube/object';
import { buildTopology } from '../lib/topology/build';
import { IncrementalTopology } from '../lib/topology/incremental';
import { layoutTopology } from '../lib/topology/layout';
import { LARGE, syntheticObjects, syntheticSnapshot } from '../lib/topology/synthetic';
import { toTopologyView } from '../lib/topology/view';

function figure(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const v = Math.abs(value) < 1 ? Number(value.toPrecision(3)) : Math.round(value * 100) / 100;
  console.log(`${name}: ${v} ${unit}`);
  console.log(JSON.stringify({ figure: name, value: v, unit, ...extra }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

// 1. The large cluster.
const large = syntheticSnapshot(LARGE);
toTopologyView(buildTopology(large)); // warm-up (JIT)
const builds: number[] = [];
const views: number[] = [];
let nodes = 0;
for (let i = 0; i < 5; i++) {
  const [t, tb] = time(() => buildTopology(large));
  const [v, tv] = time(() => toTopologyView(t));
  builds.push(tb);
  views.push(tv);
  nodes = v.nodes.length;
}
console.log(`large synthetic cluster: ${nodes} topology nodes`);
figure('topology build, 5k pods / 1k Services / 500 VS / 50 Gateways', median(builds), 'ms', { better: 'lower', nodes });
figure('topology layout + view, same cluster', median(views), 'ms', { better: 'lower' });

// 2. One watch event. The cache's lists by plural; an event replaces one object by a new one
// (as the informer does) and the view is made again from the lists.
const lists: Record<string, KubeObject[]> = {};
const PLURALS: Record<string, string> = { Gateway: 'gateways', VirtualService: 'virtualservices', DestinationRule: 'destinationrules', Service: 'services', Pod: 'pods' };
for (const o of syntheticObjects(LARGE)) (lists[PLURALS[o.kind!]!] ??= []).push(o);
type PodLike = KubeObject & { status: { conditions: Array<{ type: string; status: string }> } };
type VsLike = KubeObject & { spec: { http: Array<{ route: Array<{ weight?: number }> }> } };
const replace = <T extends KubeObject>(plural: string, i: number, edit: (o: T) => KubeObject) => {
  const next = [...lists[plural]!];
  next[i] = edit(next[i] as T);
  lists[plural] = next;
};
let flips = 0;
const podFlip = () => {
  const i = 100 + (flips % 200); // backend pods (the gateway pods come first)
  replace<PodLike>('pods', i, (p) => ({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: p.status.conditions[0]!.status === 'True' ? 'False' : 'True' }] } }));
  flips++;
};
let edits = 0;
const vsEdit = () => {
  const w = 50 + (edits % 40);
  replace<VsLike>('virtualservices', (edits * 37) % LARGE.virtualServices, (vs) => ({
    ...vs,
    spec: { ...vs.spec, http: vs.spec.http.map((h, k) => (k === 1 ? { ...h, route: [{ ...h.route[0], weight: w }, { ...h.route[1], weight: 100 - w }] } : h)) },
  }));
  edits++;
};

// Full rebuild (the server before): meshSnapshotFromPlurals → buildTopology → toTopologyView.
const events: number[] = [];
for (let i = 0; i < 5; i++) {
  podFlip();
  events.push(time(() => toTopologyView(buildTopology(meshSnapshotFromPlurals(lists))))[1]);
}
figure('one watch event → new topology view (full rebuild), large cluster', median(events), 'ms', { better: 'lower' });

// Incremental (the server now): the same lists to one IncrementalTopology, event after event.
const inc = new IncrementalTopology();
const [, cold] = time(() => inc.view(lists));
for (let i = 0; i < 3; i++) {
  podFlip();
  inc.view(lists);
  vsEdit();
  inc.view(lists);
} // warm-up (JIT)
const flipTimes: number[] = [];
const editTimes: number[] = [];
const cpuTimes: number[] = []; // this process's CPU time per event (all threads, GC included): less sensitive to a busy machine
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < 7; i++) {
  podFlip();
  let c0 = cpuMs();
  flipTimes.push(time(() => inc.view(lists))[1]);
  cpuTimes.push(cpuMs() - c0);
  vsEdit();
  c0 = cpuMs();
  editTimes.push(time(() => inc.view(lists))[1]);
  cpuTimes.push(cpuMs() - c0);
}
console.log(`incremental: first view ${Math.round(cold)} ms; pod flips ${flipTimes.map(Math.round).join(', ')} ms; VS edits ${editTimes.map(Math.round).join(', ')} ms; CPU per event median ${Math.round(median(cpuTimes))} ms`);
figure('one watch event → new topology view (incremental), pod readiness flip, large cluster', median(flipTimes), 'ms', { better: 'lower', target: 100 });
figure('one watch event → new topology view (incremental), VirtualService weight edit, large cluster', median(editTimes), 'ms', { better: 'lower', target: 100 });

// 3. Layout at ~1,000 nodes: ours vs elkjs layered.
const mid = buildTopology(syntheticSnapshot({ gateways: 5, virtualServices: 50, services: 100, pods: 500 }));
const n = mid.nodes.length;
const ours: number[] = [];
for (let i = 0; i < 5; i++) ours.push(time(() => layoutTopology(mid.nodes, mid.edges, { columnWidth: 216, rowHeight: 64 }))[1]);
const elk = new ELK();
const graph = () => ({
  id: 'root',
  layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
  children: mid.nodes.map((x) => ({ id: x.id, width: 184, height: 44 })),
  edges: mid.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
});
await elk.layout(graph()); // warm-up
const elkTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await elk.layout(graph());
  elkTimes.push(performance.now() - t0);
}
console.log(`layout graph: ${n} nodes, ${mid.edges.length} edges`);
figure(`stage-column layout, ${n} nodes`, median(ours), 'ms', { better: 'lower', target: 100 });
figure(`elkjs layered layout, ${n} nodes`, median(elkTimes), 'ms', { better: 'lower' });
figure('layout time ratio ours / elkjs', median(ours) / median(elkTimes), 'x', { better: 'lower', target: 0.05 });
