import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../istio/snapshot';
import { scenarioSnapshot } from '../topology/fixtures/scenario';
import { buildHostMap, type HostRow } from './host-map';

/** The sandbox's scenarios as they ship (read-only; the topology fixtures copy the default one). */
const load = (name: string): MeshSnapshot => {
  const dir = join(__dirname, '../../server/sandbox/scenarios', name);
  const texts = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
  return scenarioSnapshot(texts);
};
const basics = load('ingress-basics');
const trouble = load('troubleshooting');

const summary = (rows: HostRow[]) => rows.map((r) => [r.port, r.host, r.servers.map((s) => s.id), r.virtualServices.map((c) => c.virtualService), r.issues.map((i) => i.kind)]);

describe('buildHostMap on the default scenario', () => {
  const m = buildHostMap(basics);

  it('has one workload, the ingress gateway, with both pods', () => {
    expect(m.workloads.map((w) => [w.workload, w.pods])).toEqual([['istio-system/istio-ingressgateway', ['istio-system/istio-ingressgateway-0', 'istio-system/istio-ingressgateway-1']]]);
  });

  it('lists every port × host with its server and VirtualServices, exact names before wildcards', () => {
    expect(summary(m.workloads[0]!.rows)).toEqual([
      [80, 'httpbin.example.com', ['default/httpbin-gateway#0'], ['default/httpbin'], []],
      [80, 'web.example.com', ['istio-system/default-gateway#0'], ['default/web-service'], []],
      [80, '*', ['istio-system/default-gateway#0'], ['default/counter'], []],
      [443, 'web.example.com', ['istio-system/default-gateway#1'], ['default/web-service'], []],
      [443, '*', ['istio-system/default-gateway#1'], ['default/counter'], []],
      [3306, '*', ['istio-system/default-gateway#2'], ['default/mysql'], []],
    ]);
    const web = m.workloads[0]!.rows[1]!;
    expect(web.servers[0]).toMatchObject({ declared: '*', protocol: 'HTTP', gateway: 'istio-system/default-gateway', index: 0 });
    expect(web.listenerPort).toBe(8080);
  });

  it('finds no conflicts and no orphans', () => {
    expect(m.counts).toEqual({ conflicts: 0, orphans: 0 });
    expect(m.orphanVirtualServiceHosts).toEqual([]);
  });
});

describe("buildHostMap on the troubleshooting scenario's planted mistakes", () => {
  const m = buildHostMap(trouble);
  const rows = m.workloads[0]!.rows;
  const row = (port: number, host: string) => rows.find((r) => r.port === port && r.host === host)!;

  it('flags the duplicate httpbin-gateway (23): two Gateways declare httpbin.example.com on port 80', () => {
    const r = row(80, 'httpbin.example.com');
    expect(r.servers.map((s) => s.id)).toEqual(['default/httpbin-gateway#0', 'istio-system/httpbin-gateway#0']);
    expect(r.virtualServices).toEqual([{ virtualService: 'default/httpbin', via: ['default/httpbin-gateway#0'] }]);
    expect(r.issues).toEqual([
      expect.objectContaining({ kind: 'conflict', message: expect.stringContaining('Gateways default/httpbin-gateway and istio-system/httpbin-gateway both declare httpbin.example.com on port 80') }),
    ]);
  });

  it('flags the Ingress fighting the VirtualService for web.example.com on port 80 (25)', () => {
    const r = row(80, 'web.example.com');
    expect(r.ingresses).toEqual(['default/web-legacy']);
    expect(r.issues.map((i) => i.kind)).toEqual(['ingress']);
    expect(row(443, 'web.example.com').issues).toEqual([]);
  });

  it('lists the VirtualService bound to a missing Gateway (20) as an orphan host, with the reason', () => {
    expect(m.orphanVirtualServiceHosts).toEqual([{ virtualService: 'default/shop', host: 'shop.example.com', reason: 'Gateway istio-system/shop-gateway does not exist' }]);
    expect(rows.some((r) => r.host === 'shop.example.com')).toBe(false);
  });

  it('shows secure-gateway (24) on 443 and counts conflicts and orphans', () => {
    expect(row(443, 'secure.example.com')).toMatchObject({ servers: [{ id: 'istio-system/secure-gateway#0', tlsMode: 'SIMPLE' }], virtualServices: [{ virtualService: 'default/secure' }] });
    expect(m.counts).toEqual({ conflicts: 2, orphans: 1 });
  });
});

describe('buildHostMap edge cases', () => {
  it('a server host no VirtualService serves is an orphan row (404 NR)', () => {
    const s = structuredClone(basics);
    s.gateways.find((g) => g.metadata.name === 'httpbin-gateway')!.spec!.servers![0]!.hosts.push('www.example.com');
    const r = buildHostMap(s).workloads[0]!.rows.find((x) => x.host === 'www.example.com')!;
    expect(r.virtualServices).toEqual([]);
    expect(r.issues).toEqual([expect.objectContaining({ kind: 'orphan-host', message: expect.stringContaining('requests for it get 404 NR') })]);
  });

  it('several VirtualServices on one host are a shared host; a host the server does not accept is an orphan VirtualService host', () => {
    const s = structuredClone(basics);
    const vs = structuredClone(s.virtualServices.find((v) => v.metadata.name === 'web-service')!);
    vs.metadata.name = 'web-extra';
    vs.spec!.hosts = ['web.example.com', 'api.example.org'];
    vs.spec!.gateways = ['default/httpbin-gateway', 'istio-system/default-gateway'];
    s.virtualServices.push(vs);
    const m = buildHostMap(s);
    const web = m.workloads[0]!.rows.find((r) => r.port === 80 && r.host === 'web.example.com')!;
    expect(web.virtualServices.map((c) => c.virtualService)).toEqual(['default/web-extra', 'default/web-service']) // Istio's order: creation time, then name;
    expect(web.issues.map((i) => i.kind)).toEqual(['shared-host']);
    // api.example.org binds through default-gateway's '*', so it is not an orphan.
    expect(m.orphanVirtualServiceHosts).toEqual([]);
    vs.spec!.gateways = ['default/httpbin-gateway'];
    const why = 'default/httpbin-gateway#0: hosts web.example.com, api.example.org of VirtualService default/web-extra do not match server hosts httpbin.example.com of Gateway default/httpbin-gateway';
    expect(buildHostMap(s).orphanVirtualServiceHosts).toEqual([
      { virtualService: 'default/web-extra', host: 'api.example.org', reason: why },
      { virtualService: 'default/web-extra', host: 'web.example.com', reason: why },
    ]);
  });

  it('a TLS server istiod skips (same host twice on 443) is a conflict', () => {
    const s = structuredClone(basics);
    const gw = structuredClone(s.gateways.find((g) => g.metadata.name === 'default-gateway')!);
    gw.metadata.name = 'copy';
    gw.metadata.creationTimestamp = '2030-01-01T00:00:00Z';
    gw.spec!.servers = [gw.spec!.servers![1]!];
    s.gateways.push(gw);
    const r = buildHostMap(s).workloads[0]!.rows.find((x) => x.port === 443 && x.host === '*')!;
    expect(r.servers.find((x) => x.id === 'istio-system/copy#0')?.skipped).toContain('already used by a TLS server');
    expect(r.issues.map((i) => i.kind)).toEqual(expect.arrayContaining(['conflict', 'skipped-server']));
  });
});
