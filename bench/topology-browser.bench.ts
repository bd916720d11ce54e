/**
 * Topology in Chromium (`npm run bench topology-browser`): the overview's graph component on a
 * synthetic request path of ~1,000 and ~5,000 nodes (`/lab/topology?nodes=N`), in Debian's
 * Chromium, headless:
 *  - frame rate during a 3 s scripted pan (setViewport every animation frame; the method of
 *    ../shared/notes/performance.md §1), mean fps and frames over 50 ms; targets ≥ 55 fps at 1,000
 *    and ≥ 50 at 5,000;
 *  - a live-metrics tick that changes every rendered node and edge (edge rates: dash, colour), and
 *    the pan again with every edge animated (components/graph/flow-edge.tsx);
 *  - build + layout of the graph inside the tab (lib/topology in the browser; the console does it
 *    on the server).
 * Starts its own console (`gatescope start --port 3400`, building the app first when stale).
 */
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.BENCH_PORT ?? 3400);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function figure(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const v = Math.round(value * 100) / 100;
  console.log(`${name}: ${v} ${unit}`);
  console.log(JSON.stringify({ figure: name, value: v, unit, ...extra }));
}

const PAN_SCRIPT = `new Promise((resolve) => {
  const flow = window.__gatescopeFlow;
  flow.setViewport({ x: 0, y: 0, zoom: 1 });
  const deltas = [];
  let last = performance.now();
  const begin = last;
  const step = (now) => {
    deltas.push(now - last);
    last = now;
    const t = (now - begin) / 3000;
    flow.setViewport({ x: -t * 2500, y: -Math.sin(t * Math.PI) * 400, zoom: 1 });
    if (now - begin < 3000) requestAnimationFrame(step);
    else {
      deltas.shift();
      const total = deltas.reduce((a, b) => a + b, 0);
      resolve({ fps: (deltas.length / total) * 1000, long: deltas.filter((d) => d > 50).length, worst: Math.max(...deltas) });
    }
  };
  requestAnimationFrame(step);
})`;

/** One live-metrics tick that changes the numbers of every node, timed to the second frame after it (painted). */
const TICK_SCRIPT = `(async () => {
  const frame0 = () => new Promise((r) => requestAnimationFrame(() => r()));
  // A screenful at zoom 0.25 around the graph's middle, as the notes measured (~370 nodes in view).
  const ys = window.__gatescopeFlow.getNodes().map((n) => n.position.y).sort((a, b) => a - b);
  const mid = ys[Math.floor(ys.length / 2)] || 0;
  window.__gatescopeFlow.setViewport({ x: 20, y: -mid * 0.25 + 450, zoom: 0.25 });
  for (let i = 0; i < 5; i++) await frame0();
  const ids = [...document.querySelectorAll('[data-testid=topology-node]')].map((e) => e.getAttribute('data-node-id'));
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const times = [];
  for (let k = 0; k < 7; k++) {
    const nodes = {};
    for (const id of ids) nodes[id] = { rps: Math.round(Math.random() * 1000) / 10 + k, errorPct: Math.random() * 5, p95: 5 + Math.random() * 50, n: 10 };
    await frame();
    const t0 = performance.now();
    window.__gatescopeRates(nodes);
    await frame();
    await frame();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[3], nodes: ids.length };
})()`;

/** The tick of TICK_SCRIPT, plus numbers on every rendered edge (which then animate). */
const EDGE_TICK_SCRIPT = `(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const nodeIds = [...document.querySelectorAll('[data-testid=topology-node]')].map((e) => e.getAttribute('data-node-id'));
  const edgeIds = [...document.querySelectorAll('.react-flow__edge')].map((e) => e.getAttribute('data-id'));
  const times = [];
  for (let k = 0; k < 7; k++) {
    const nodes = {};
    for (const id of nodeIds) nodes[id] = { rps: Math.round(Math.random() * 1000) / 10 + k, errorPct: Math.random() * 5, p95: 5 + Math.random() * 50, n: 10 };
    const edges = {};
    for (const id of edgeIds) edges[id] = { rps: Math.round(Math.random() * 1000) / 10 + k, errorPct: Math.random() * 8, clientErrorPct: 0, n: 10 };
    await frame();
    const t0 = performance.now();
    window.__gatescopeRates(nodes);
    window.__gatescopeEdgeRates(edges);
    await frame();
    await frame();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[3], nodes: nodeIds.length, edges: edgeIds.length };
})()`;

const server = spawn(process.execPath, ['bin/gatescope.mjs', 'start', '--port', String(PORT), '--port-offset', '16000', '--traffic', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the console did not start within 5 min')), 300_000);
  let out = '';
  server.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('console ready')) {
      clearTimeout(timer);
      resolve();
    }
  });
  server.once('exit', (code) => reject(new Error(`gatescope start exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
try {
  for (const [want, target] of [
    [1000, 55],
    [5000, 50],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${PORT}/lab/topology?nodes=${want}`);
    await page.waitForSelector('[data-testid=topology-node]', { timeout: 120_000 });
    const paint = Date.now() - t0;
    const summary = page.getByTestId('lab-summary');
    const nodes = Number(await summary.getAttribute('data-nodes'));
    const buildMs = Number(await summary.getAttribute('data-build-ms'));
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    // A string, not a function: tsx's keepNames would inject a `__name` helper the page lacks.
    const pan = (await page.evaluate(PAN_SCRIPT)) as { fps: number; long: number; worst: number };
    const tick = (await page.evaluate(TICK_SCRIPT)) as { median: number; nodes: number };
    figure(`live-metrics tick updating every rendered node (${tick.nodes} in view), ${nodes} nodes`, tick.median, 'ms', { better: 'lower', target: 50 });
    console.log(`~${want}: ${nodes} nodes; first paint ${paint} ms; pan ${pan.fps.toFixed(1)} fps, ${pan.long} frames > 50 ms, worst ${pan.worst.toFixed(0)} ms`);
    figure(`overview pan frame rate, ${nodes} nodes (Chromium, headless)`, pan.fps, 'fps', { better: 'higher', target });
    figure(`overview pan frames > 50 ms, ${nodes} nodes`, pan.long, 'frames', { better: 'lower' });
    figure(`topology build + layout in the browser, ${nodes} nodes`, buildMs, 'ms', { better: 'lower' });
    // Live edges: every rendered edge gets numbers (colour, width, a moving dash), then the pan again.
    const edgeTick = (await page.evaluate(EDGE_TICK_SCRIPT)) as { median: number; nodes: number; edges: number };
    figure(`live-metrics tick updating every rendered node and edge (${edgeTick.nodes} nodes, ${edgeTick.edges} edges in view), ${nodes} nodes`, edgeTick.median, 'ms', { better: 'lower', target: 50 });
    const livePan = (await page.evaluate(PAN_SCRIPT)) as { fps: number; long: number; worst: number };
    console.log(`~${want}: pan with live edges ${livePan.fps.toFixed(1)} fps, ${livePan.long} frames > 50 ms, worst ${livePan.worst.toFixed(0)} ms`);
    figure(`overview pan frame rate with every rendered edge animated, ${nodes} nodes (Chromium, headless)`, livePan.fps, 'fps', { better: 'higher', target });
    await page.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
