import { describe, expect, it } from 'vitest';
import { buildTopology } from './build';
import { ingressBasicsTexts } from './test-support/ingress-basics';
import { scenarioSnapshot } from './fixtures/scenario';
import { toTopologyView } from './view';

const texts = ingressBasicsTexts();
const view = toTopologyView(buildTopology(scenarioSnapshot(texts, { loadBalancerIP: '127.0.0.1' })));
const node = (id: string) => {
  const n = view.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no ${id}`);
  return n;
};

describe('toTopologyView', () => {
  it('gives every stage a column, left to right, with its title', () => {
    expect(view.stages.map((s) => s.title)).toEqual(['Client', 'Load balancer', 'NodePort', 'Gateway pod', 'Gateway server', 'VirtualService', 'Route', 'Service', 'Subset', 'Pod']);
    const xs = view.stages.map((s) => s.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (const n of view.nodes) expect(n.x).toBe(view.stages.find((s) => s.stage === n.stage)!.x);
  });

  it('labels the weighted edges of the web-service split and the ports of the entry hops', () => {
    const labels = view.edges.filter((e) => e.source.startsWith('route:default/web-service')).map((e) => e.label);
    expect(labels).toEqual(expect.arrayContaining(['80%', '20%']));
    expect(view.edges.find((e) => e.source === 'client' && e.target.startsWith('loadBalancer:'))?.label).toBe(':80');
    expect(view.edges.some((e) => e.broken)).toBe(false);
  });

  it('tags nodes with the Gateways, namespaces, hosts and protocols of the paths through them', () => {
    const pod = view.nodes.find((n) => n.stage === 'pod' && n.label.startsWith('httpd-v2'))!;
    expect(pod.tags).toMatchObject({ gateway: ['istio-system/default-gateway'], host: expect.arrayContaining(['web.example.com']), protocol: ['HTTP', 'HTTPS'] });
    expect(node('gatewayServer:istio-system/default-gateway#2').tags?.protocol).toEqual(['TCP']);
  });

  it('links each node to its resource and says what it does in a second line', () => {
    expect(node('gatewayServer:default/httpbin-gateway#0').ref).toEqual({ plural: 'gateways', namespace: 'default', name: 'httpbin-gateway' });
    expect(node('virtualService:default/web-service').ref).toEqual({ plural: 'virtualservices', namespace: 'default', name: 'web-service' });
    const route = view.nodes.find((n) => n.stage === 'route' && n.id.startsWith('route:default/web-service') && /80%/.test(n.detail ?? ''));
    expect(route?.detail).toMatch(/web-service.*80%.*20%|80%/);
    expect(view.paths.broken).toBe(0);
    expect(view.paths.total).toBeGreaterThan(0);
  });
});
