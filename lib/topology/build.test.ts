import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../istio/snapshot';
import { buildTopology } from './build';
import { ingressBasicsTexts } from './test-support/ingress-basics';
import { scenarioSnapshot } from './fixtures/scenario';
import type { Topology } from './types';

const texts = ingressBasicsTexts();
const base = scenarioSnapshot(texts, { loadBalancerIP: '127.0.0.10' });
const fresh = (): MeshSnapshot => structuredClone(base);

const byStage = (t: Topology, stage: string) => t.nodes.filter((n) => n.stage === stage);
const node = (t: Topology, id: string) => {
  const n = t.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}; have ${t.nodes.map((x) => x.id).join(', ')}`);
  return n;
};
const WEB = 'web-service.default.svc.cluster.local';

describe('buildTopology on the default scenario', () => {
  const t = buildTopology(base);

  it('has the load balancer ports, NodePorts and gateway pods of istio-ingressgateway', () => {
    expect(byStage(t, 'client').map((n) => n.id)).toEqual(['client']);
    expect(byStage(t, 'loadBalancer').map((n) => [n.id, n.label])).toEqual([
      ['loadBalancer:istio-system/istio-ingressgateway:80', '127.0.0.10:80'],
      ['loadBalancer:istio-system/istio-ingressgateway:443', '127.0.0.10:443'],
      ['loadBalancer:istio-system/istio-ingressgateway:3306', '127.0.0.10:3306'],
    ]);
    expect(byStage(t, 'nodePort').map((n) => [n.label, n.data])).toEqual([
      ['127.0.0.1:30000', { kind: 'nodePort', service: 'istio-system/istio-ingressgateway', port: 80, nodePort: 30000, nodeAddresses: ['127.0.0.1'] }],
      ['127.0.0.1:30443', { kind: 'nodePort', service: 'istio-system/istio-ingressgateway', port: 443, nodePort: 30443, nodeAddresses: ['127.0.0.1'] }],
      ['127.0.0.1:30306', { kind: 'nodePort', service: 'istio-system/istio-ingressgateway', port: 3306, nodePort: 30306, nodeAddresses: ['127.0.0.1'] }],
    ]);
    expect(byStage(t, 'gatewayPod').map((n) => [n.label, n.health, (n.data as { ready: boolean }).ready])).toEqual([
      ['istio-ingressgateway-0', 'ok', true],
      ['istio-ingressgateway-1', 'ok', true],
    ]);
  });

  it("has default-gateway's three servers and httpbin-gateway's one", () => {
    expect(byStage(t, 'gatewayServer').map((n) => [n.id, n.label])).toEqual([
      ['gatewayServer:istio-system/default-gateway#0', 'default-gateway · HTTP 80 · *'],
      ['gatewayServer:istio-system/default-gateway#1', 'default-gateway · HTTPS SIMPLE 443 · *'],
      ['gatewayServer:istio-system/default-gateway#2', 'default-gateway · TCP 3306 · *'],
      ['gatewayServer:default/httpbin-gateway#0', 'httpbin-gateway · HTTP 80 · httpbin.example.com'],
    ]);
    expect(node(t, 'gatewayServer:istio-system/default-gateway#1').data).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      listenerPort: 8443,
      tls: { mode: 'SIMPLE' },
      exposedBy: 'istio-system/istio-ingressgateway:443',
    });
  });

  it('has the VirtualServices and their routes: counter, mysql, httpbin, and web-service with v1, v2 and the 80/20 split', () => {
    expect(byStage(t, 'virtualService').map((n) => n.id)).toEqual([
      'virtualService:default/counter',
      'virtualService:default/mysql',
      'virtualService:default/httpbin',
      'virtualService:default/web-service',
    ]);
    expect(byStage(t, 'route').map((n) => [n.id, n.label])).toEqual([
      ['route:default/counter:http[0]', 'counter'],
      ['route:default/mysql:tcp[0]', 'tcp[0]'],
      ['route:default/httpbin:http[0]', 'http[0]'],
      ['route:default/web-service:http[0]', 'v1'],
      ['route:default/web-service:http[1]', 'v2'],
      ['route:default/web-service:http[2]', 'split'],
    ]);
    expect(node(t, 'route:default/web-service:http[0]').data).toMatchObject({ matches: ['uri prefix /v1'], rewrite: 'uri → /' });
    expect(node(t, 'route:default/web-service:http[2]').data).toMatchObject({
      matches: [],
      destinations: [
        { fqdn: WEB, port: 80, subset: 'v1', weight: 80 },
        { fqdn: WEB, port: 80, subset: 'v2', weight: 20 },
      ],
    });
    const split = t.edges.filter((e) => e.source === 'route:default/web-service:http[2]' && e.target === `service:${WEB}`);
    expect(split.map((e) => e.data)).toEqual([
      { port: 80, weight: 80, subset: 'v1' },
      { port: 80, weight: 20, subset: 'v2' },
    ]);
  });

  it('has the Services, the subsets v1/v2 and the pods', () => {
    expect(byStage(t, 'service').map((n) => n.label)).toEqual(['default/counter', 'default/mysql', 'default/httpbin', 'default/web-service']);
    expect(byStage(t, 'subset').map((n) => [n.id, n.data])).toEqual([
      [`subset:${WEB}:v1`, { kind: 'subset', fqdn: WEB, subset: 'v1', destinationRule: 'default/web-service', labels: { version: 'v1' } }],
      [`subset:${WEB}:v2`, { kind: 'subset', fqdn: WEB, subset: 'v2', destinationRule: 'default/web-service', labels: { version: 'v2' } }],
    ]);
    expect(byStage(t, 'pod').map((n) => n.id)).toEqual(['pod:default/counter-0', 'pod:default/mysql-0', 'pod:default/httpbin-0', 'pod:default/httpd-v1-0', 'pod:default/httpd-v2-0']);
    expect(t.edges.find((e) => e.source === `subset:${WEB}:v1` && e.target === 'pod:default/httpd-v1-0')?.data).toEqual({ port: 80 });
    expect(t.edges.find((e) => e.source === 'service:httpbin.default.svc.cluster.local' && e.target === 'pod:default/httpbin-0')?.data).toEqual({ port: 8080 });
  });

  it('is healthy everywhere, and every path reaches pods', () => {
    expect(t.nodes.filter((n) => n.health !== 'ok').map((n) => [n.id, n.warnings])).toEqual([]);
    expect(t.paths).toHaveLength(12);
    expect(t.paths.filter((p) => p.broken)).toEqual([]);
    const split = t.paths.filter((p) => p.nodes.includes('route:default/web-service:http[2]') && p.nodes.includes('gatewayServer:istio-system/default-gateway#0'));
    expect(split.map((p) => [p.weight, p.nodes.at(-1)])).toEqual([
      [80, 'pod:default/httpd-v1-0'],
      [20, 'pod:default/httpd-v2-0'],
    ]);
    const mysql = t.paths.find((p) => p.nodes.includes('route:default/mysql:tcp[0]'))!;
    expect(mysql.nodes).toEqual([
      'client',
      'loadBalancer:istio-system/istio-ingressgateway:3306',
      'nodePort:istio-system/istio-ingressgateway:30306',
      'gatewayPod:istio-system/istio-ingressgateway-0',
      'gatewayPod:istio-system/istio-ingressgateway-1',
      'gatewayServer:istio-system/default-gateway#2',
      'virtualService:default/mysql',
      'route:default/mysql:tcp[0]',
      'service:mysql.default.svc.cluster.local',
      'pod:default/mysql-0',
    ]);
    expect(mysql.edges).toContain('client->loadBalancer:istio-system/istio-ingressgateway:3306');
    expect(mysql.edges).toContain('nodePort:istio-system/istio-ingressgateway:30306->gatewayPod:istio-system/istio-ingressgateway-1');
    for (const p of t.paths) for (const e of p.edges) expect(t.edges.some((x) => x.id === e)).toBe(true);
  });

  it('binds VirtualServices through every gateway reference form', () => {
    // counter: FQDN form; mysql and web-service: namespace/name; httpbin: short name.
    const into = (vs: string) => t.edges.filter((e) => e.target === `virtualService:${vs}`).map((e) => e.source);
    expect(into('default/counter')).toEqual(['gatewayServer:istio-system/default-gateway#0', 'gatewayServer:istio-system/default-gateway#1']);
    expect(into('default/mysql')).toEqual(['gatewayServer:istio-system/default-gateway#2']);
    expect(into('default/httpbin')).toEqual(['gatewayServer:default/httpbin-gateway#0']);
    expect(into('default/web-service')).toEqual(['gatewayServer:istio-system/default-gateway#0', 'gatewayServer:istio-system/default-gateway#1']);
    const s = fresh();
    const vs = (name: string, gateways: string[]) => s.virtualServices.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace: 'default' },
      spec: { hosts: ['httpbin.example.com'], gateways, http: [{ route: [{ destination: { host: 'httpbin' } }] }] },
    });
    vs('dot-form', ['./httpbin-gateway']);
    vs('name-ns-form', ['httpbin-gateway.default']);
    vs('mesh-only', ['mesh']);
    const t2 = buildTopology(s);
    expect(t2.edges.filter((e) => e.target === 'virtualService:default/dot-form').map((e) => e.source)).toEqual(['gatewayServer:default/httpbin-gateway#0']);
    expect(t2.edges.filter((e) => e.target === 'virtualService:default/name-ns-form').map((e) => e.source)).toEqual(['gatewayServer:default/httpbin-gateway#0']);
    expect(t2.nodes.some((n) => n.id === 'virtualService:default/mesh-only')).toBe(false);
  });
});

describe('warnings and the first broken link', () => {
  it('subset v3 selects no pods', () => {
    const s = fresh();
    s.destinationRules[0]!.spec!.subsets!.push({ name: 'v3', labels: { version: 'v3' } });
    s.virtualServices.find((v) => v.metadata.name === 'web-service')!.spec!.http!.unshift({ name: 'v3', match: [{ uri: { prefix: '/v3' } }], route: [{ destination: { host: 'web-service', subset: 'v3' } }] });
    const t = buildTopology(s);
    expect(node(t, `subset:${WEB}:v3`)).toMatchObject({ health: 'error', warnings: ['subset v3 selects no pods of Service default/web-service'] });
    const p = t.paths.find((x) => x.nodes.includes(`subset:${WEB}:v3`))!;
    expect(p.broken).toEqual({ node: `subset:${WEB}:v3`, stage: 'subset', reason: 'subset v3 selects no pods of Service default/web-service' });
  });

  it('a subset the DestinationRule does not define', () => {
    const s = fresh();
    s.virtualServices.find((v) => v.metadata.name === 'web-service')!.spec!.http![0]!.route![0]!.destination.subset = 'v9';
    const t = buildTopology(s);
    expect(node(t, `subset:${WEB}:v9`).warnings).toEqual(['subset v9 is not defined in DestinationRule default/web-service (it defines v1, v2)']);
  });

  it('Gateway port 3306 is not exposed by Service istio-ingressgateway', () => {
    const s = fresh();
    s.services.find((x) => x.metadata.name === 'istio-ingressgateway')!.spec!.ports = s.services[0]!.spec!.ports!.filter((p) => p.port !== 3306);
    const t = buildTopology(s);
    const id = 'gatewayServer:istio-system/default-gateway#2';
    expect(node(t, id)).toMatchObject({ health: 'warning', warnings: ['Gateway port 3306 is not exposed by Service istio-ingressgateway: clients outside the cluster cannot reach it'] });
    expect(byStage(t, 'loadBalancer').map((n) => n.id)).not.toContain('loadBalancer:istio-system/istio-ingressgateway:3306');
    const p = t.paths.find((x) => x.nodes.includes(id))!;
    expect(p.nodes.slice(0, 4)).toEqual(['client', 'gatewayPod:istio-system/istio-ingressgateway-0', 'gatewayPod:istio-system/istio-ingressgateway-1', id]);
    expect(p.broken?.node).toBe(id);
  });

  it('VirtualService names Gateway istio-system/missing, which does not exist', () => {
    const s = fresh();
    s.virtualServices.find((v) => v.metadata.name === 'httpbin')!.spec!.gateways = ['httpbin-gateway', 'istio-system/missing'];
    const t = buildTopology(s);
    expect(node(t, 'virtualService:default/httpbin')).toMatchObject({ health: 'error', warnings: ['VirtualService names Gateway istio-system/missing, which does not exist'] });
  });

  it('a VirtualService host that no server of its Gateway has', () => {
    const s = fresh();
    s.virtualServices.find((v) => v.metadata.name === 'httpbin')!.spec!.hosts = ['httpbin.example.org'];
    const t = buildTopology(s);
    expect(node(t, 'virtualService:default/httpbin').warnings).toEqual(['host httpbin.example.org does not match any server host of Gateway default/httpbin-gateway (for namespace default)']);
    expect(t.edges.some((e) => e.target === 'virtualService:default/httpbin')).toBe(false);
    expect(t.paths.find((p) => p.nodes.includes('gatewayServer:default/httpbin-gateway#0'))?.broken?.reason).toBe('no VirtualService binds to this server: requests get 404 NR');
  });

  it('gateway pods that are not ready break every path at the gatewayPod stage', () => {
    const t = buildTopology(scenarioSnapshot(texts, { notReady: ['istio-system/istio-ingressgateway'] }));
    expect(node(t, 'gatewayPod:istio-system/istio-ingressgateway-0')).toMatchObject({ health: 'error', warnings: ['pod is not ready: the gateway Service sends it no traffic'] });
    expect(t.paths.every((p) => p.broken?.stage === 'gatewayPod' && p.broken.reason === 'none of the gateway pods is ready')).toBe(true);
  });

  it('backend pods that are not ready break the path at the pod stage', () => {
    const t = buildTopology(scenarioSnapshot(texts, { notReady: ['default/mysql'] }));
    expect(node(t, 'pod:default/mysql-0').health).toBe('error');
    expect(t.paths.find((p) => p.nodes.includes('pod:default/mysql-0'))?.broken).toMatchObject({ stage: 'pod', node: 'pod:default/mysql-0' });
  });

  it('a destination host that is not a Service', () => {
    const s = fresh();
    s.virtualServices.find((v) => v.metadata.name === 'counter')!.spec!.http![0]!.route![0]!.destination.host = 'counter.default';
    const t = buildTopology(s);
    const n = node(t, 'service:counter.default');
    expect(n.health).toBe('error');
    expect(n.warnings[0]).toContain('host counter.default is not a Service: Istio does not expand names with a dot');
    expect(t.paths.find((p) => p.nodes.includes('service:counter.default'))?.broken?.stage).toBe('service');
  });

  it('routes after a catch-all: in the same VirtualService (dropped) and in a merged virtual host (shadowed)', () => {
    const s = fresh();
    const web = s.virtualServices.find((v) => v.metadata.name === 'web-service')!;
    web.spec!.http!.push({ name: 'late', match: [{ uri: { prefix: '/late' } }], route: [{ destination: { host: 'web-service', subset: 'v1' } }] });
    s.virtualServices.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'zz-counter-too', namespace: 'default' },
      spec: { hosts: ['*'], gateways: ['istio-system/default-gateway'], http: [{ name: 'all', route: [{ destination: { host: 'counter' } }] }] },
    });
    const t = buildTopology(s);
    expect(node(t, 'route:default/web-service:http[3]').warnings).toEqual(['never used: split before it matches every request, and Istio drops the routes after it']);
    const late = t.paths.find((p) => p.nodes.includes('route:default/web-service:http[3]'))!;
    expect(late.broken?.stage).toBe('route');
    expect(late.broken?.reason).toContain('not generated by istiod');
    const shadowed = t.paths.find((p) => p.nodes.includes('route:default/zz-counter-too:http[0]'))!;
    expect(shadowed.broken?.reason).toBe('unreachable on *: counter of default/counter comes first and matches every request');
  });

  it('a Gateway whose selector matches no pod', () => {
    const s = fresh();
    s.gateways.find((g) => g.metadata.name === 'httpbin-gateway')!.spec!.selector = { istio: 'private-gateway' };
    const t = buildTopology(s);
    expect(node(t, 'gatewayServer:default/httpbin-gateway#0').warnings).toEqual(['Gateway selector istio=private-gateway matches no gateway pod: this server is not configured anywhere']);
  });

  it('a server Istio skips because its port already has a server of another protocol', () => {
    const s = fresh();
    s.gateways.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'zz-tcp-80', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }] },
    });
    const t = buildTopology(s);
    const n = node(t, 'gatewayServer:istio-system/zz-tcp-80#0');
    expect(n.health).toBe('error');
    expect(n.warnings[0]).toContain('Istio skips this server: pod port 8080 already has the HTTP server 0 of Gateway istio-system/default-gateway');
  });

  it('caps the number of paths', () => {
    expect(buildTopology(base, { maxPaths: 3 }).paths).toHaveLength(3);
  });
});
