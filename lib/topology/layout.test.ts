import { describe, expect, it } from 'vitest';
import { buildTopology } from './build';
import { ingressBasicsTexts } from './test-support/ingress-basics';
import { scenarioSnapshot } from './fixtures/scenario';
import { countCrossings, layoutTopology } from './layout';
import { STAGE_INDEX, STAGES, compareStages, isStage, type Stage } from './stages';

const texts = ingressBasicsTexts();

describe('stages', () => {
  it('lists the request path in order', () => {
    expect(STAGES).toEqual(['client', 'loadBalancer', 'nodePort', 'gatewayPod', 'gatewayServer', 'virtualService', 'route', 'service', 'subset', 'pod']);
    expect(STAGE_INDEX.route).toBe(6);
    expect(compareStages('pod', 'client')).toBeGreaterThan(0);
    expect(isStage('subset')).toBe(true);
    expect(isStage('cluster')).toBe(false);
  });
});

describe('layoutTopology', () => {
  it('puts each stage in its own column', () => {
    const t = buildTopology(scenarioSnapshot(texts));
    const { positions, columns } = layoutTopology(t.nodes, t.edges, { columnWidth: 100, rowHeight: 10 });
    for (const n of t.nodes) expect(positions[n.id]!.x).toBe(STAGE_INDEX[n.stage] * 100);
    expect(columns.gatewayServer).toBe(400);
    // no two nodes share a position
    expect(new Set(Object.values(positions).map((p) => `${p.x},${p.y}`)).size).toBe(t.nodes.length);
  });

  it('removes crossings that the input order creates', () => {
    const nodes = [
      { id: 'c', stage: 'client' as const },
      { id: 'r1', stage: 'route' as const },
      { id: 'r2', stage: 'route' as const },
      { id: 'r3', stage: 'route' as const },
      { id: 's3', stage: 'service' as const },
      { id: 's1', stage: 'service' as const },
      { id: 's2', stage: 'service' as const },
      { id: 'p2', stage: 'pod' as const },
      { id: 'p3', stage: 'pod' as const },
      { id: 'p1', stage: 'pod' as const },
    ];
    const edges = [
      { source: 'c', target: 'r1' },
      { source: 'c', target: 'r2' },
      { source: 'c', target: 'r3' },
      { source: 'r1', target: 's1' },
      { source: 'r2', target: 's2' },
      { source: 'r3', target: 's3' },
      { source: 's1', target: 'p1' },
      { source: 's2', target: 'p2' },
      { source: 's3', target: 'p3' },
    ];
    const naive = Object.fromEntries(
      ['c', 'r1', 'r2', 'r3', 's3', 's1', 's2', 'p2', 'p3', 'p1'].map((id) => {
        const n = nodes.find((x) => x.id === id)!;
        const same = nodes.filter((x) => x.stage === n.stage);
        return [id, { x: STAGE_INDEX[n.stage], y: same.indexOf(n) }];
      }),
    );
    expect(countCrossings(naive, edges)).toBeGreaterThan(0);
    const { positions } = layoutTopology(nodes, edges, { compact: true });
    expect(countCrossings(positions, edges)).toBe(0);
    expect(['r1', 'r2', 'r3'].map((id) => positions[id]!.y)).toEqual([...['r1', 'r2', 'r3'].map((id) => positions[id]!.y)].sort((a, b) => a - b));
  });

  it('compacts empty stage columns and centres short columns', () => {
    const nodes = [
      { id: 'c', stage: 'client' as const },
      { id: 'a', stage: 'pod' as const },
      { id: 'b', stage: 'pod' as const },
      { id: 'd', stage: 'pod' as const },
    ];
    const edges = [{ source: 'c', target: 'a' }, { source: 'c', target: 'b' }, { source: 'c', target: 'd' }];
    const r = layoutTopology(nodes, edges, { compact: true, columnWidth: 100, rowHeight: 10 });
    expect(r.columns).toEqual({ client: 0, pod: 100 });
    expect(r.positions.c).toEqual({ x: 0, y: 10 });
    expect(r.height).toBe(20);
    expect(layoutTopology(nodes, edges, { compact: true, align: 'top' }).positions.c!.y).toBe(0);
  });

  it('is deterministic and handles an empty graph', () => {
    const t = buildTopology(scenarioSnapshot(texts));
    expect(layoutTopology(t.nodes, t.edges)).toEqual(layoutTopology(t.nodes, t.edges));
    expect(layoutTopology([], [])).toMatchObject({ positions: {}, height: 0 });
  });

  it('lays out a thousand-node graph quickly', () => {
    const nodes: Array<{ id: string; stage: Stage }> = [{ id: 'c', stage: 'client' }];
    const edges: Array<{ source: string; target: string }> = [];
    for (let i = 0; i < 300; i++) {
      nodes.push({ id: `r${i}`, stage: 'route' as const }, { id: `s${i}`, stage: 'service' as const }, { id: `p${i}`, stage: 'pod' as const });
      edges.push({ source: 'c', target: `r${i}` }, { source: `r${i}`, target: `s${(i * 7) % 300}` }, { source: `s${i}`, target: `p${(i * 13) % 300}` });
    }
    const start = performance.now();
    const { positions } = layoutTopology(nodes, edges);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(countCrossings(positions, edges.slice(300, 600))).toBe(0);
  });
});
