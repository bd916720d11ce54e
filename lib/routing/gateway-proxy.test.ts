import { describe, expect, it } from 'vitest';
import { meshSnapshot, meshSnapshotFromPlurals } from '../istio/snapshot';
import { ingressBasicsTexts } from '../topology/test-support/ingress-basics';
import { scenarioSnapshot } from '../topology/fixtures/scenario';
import { buildGatewayProxy, gatewayPods, resolveServerPort, servicesSelectingPod } from './gateway-proxy';

const texts = ingressBasicsTexts();
const snap = scenarioSnapshot(texts);

describe('what istiod configures on a gateway pod', () => {
  it('finds the gateway pods and the Gateways that select them', () => {
    expect(gatewayPods(snap).map((p) => p.metadata.name)).toEqual(['istio-ingressgateway-0', 'istio-ingressgateway-1']);
    const proxy = buildGatewayProxy(snap, gatewayPods(snap)[0]!);
    expect(proxy.gateways.map((g) => g.metadata.name)).toEqual(['default-gateway', 'httpbin-gateway']);
  });

  it('translates Service ports to pod ports and groups servers into listeners', () => {
    const pod = gatewayPods(snap)[0]!;
    expect(servicesSelectingPod(snap.services, pod).map((s) => s.metadata.name)).toEqual(['istio-ingressgateway']);
    expect(resolveServerPort(80, pod, servicesSelectingPod(snap.services, pod))).toMatchObject({ listenerPort: 8080, exposedBy: { service: 'istio-system/istio-ingressgateway' } });
    expect(resolveServerPort(9000, pod, servicesSelectingPod(snap.services, pod))).toEqual({ listenerPort: 9000 });
    const proxy = buildGatewayProxy(snap, pod);
    const summary = [...proxy.listeners.values()].map((l) => ({ port: l.port, http: l.http.map((s) => s.id), tcp: l.tcp?.id, tls: l.tls.map((s) => s.id) }));
    expect(summary).toEqual([
      { port: 8080, http: ['istio-system/default-gateway#0', 'default/httpbin-gateway#0'], tcp: undefined, tls: [] },
      { port: 8443, http: [], tcp: undefined, tls: ['istio-system/default-gateway#1'] },
      { port: 3306, http: [], tcp: 'istio-system/default-gateway#2', tls: [] },
    ]);
    expect(proxy.skipped).toEqual([]);
  });

  it('skips a second TLS server with the same host on a port', () => {
    const s = structuredClone(snap);
    s.gateways.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'zz-https', namespace: 'default' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'x' } }] },
    });
    const proxy = buildGatewayProxy(s, gatewayPods(s)[0]!);
    expect(proxy.skipped.map((x) => [x.server.id, x.reason])).toEqual([
      ['default/zz-https#0', 'host * is already used by a TLS server of Gateway istio-system/default-gateway on port 8443; Istio skips this server'],
    ]);
  });

  it('builds a snapshot from objects or from the cache snapshot by plural', () => {
    const objs = [...snap.gateways, ...snap.services, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw-api', namespace: 'default' } }];
    const m = meshSnapshot(objs);
    expect(m.gateways.map((g) => g.metadata.name)).toEqual(['default-gateway', 'httpbin-gateway']);
    expect(m.services).toHaveLength(snap.services.length);
    expect(meshSnapshotFromPlurals({ virtualservices: snap.virtualServices }).virtualServices).toHaveLength(4);
  });
});
