/**
 * Topology benchmark (`npm run bench topology`):
 *  1. build + view of a synthetic cluster of 5,000 pods, 1,000 Services, 500 VirtualServices,
 *     50 Gateways (lib/topology/synthetic.ts): median of 5 warm runs;
 *  2. one watch event (a pod's readiness flips): the server rebuilds the view from the cache, so
 *     this is the cost of that rebuild, median of 5;
 *  3. layout of a ~1,000-node topology: our stage-column layout vs elkjs's layered algorithm on
 *     the same nodes and edges (same node sizes), as a ratio (target ≤ 0.05; issue 4 asks
 *     ≤ 100 ms at 1,000 nodes).
 * Prints readable lines and one `{"figure":…}` JSON line per figure.
 */
import { performance } from 'node:perf_hooks';
import ELK from 'elkjs/lib/elk.bundled.js';
import { buildTopology } from '../lib/topology/build';
import { layoutTopology } from '../lib/topology/layout';
import { LARGE, syntheticSnapshot } from '../lib/topology/synthetic';
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

// 2. One watch event: a backend pod turns un-ready; the view is rebuilt from the snapshot.
const events: number[] = [];
for (let i = 0; i < 5; i++) {
  const pod = large.pods[100 + i]!;
  pod.status = { ...pod.status, conditions: [{ type: 'Ready', status: i % 2 ? 'True' : 'False' }] };
  const [, ms] = time(() => toTopologyView(buildTopology(large)));
  events.push(ms);
}
figure('one watch event → new topology view (full rebuild), large cluster', median(events), 'ms', { better: 'lower' });

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
