/**
 * The drift check on real Istio dumps (fixtures/, from istio/istio's istioctl test data) against
 * Istio resources written to match them (the bookinfo and httpbin samples those dumps come from),
 * then with the resources changed so that Envoy no longer holds what they ask for.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { meshSnapshot, type MeshSnapshot } from '../istio/snapshot';
import type { VirtualService } from '../istio/types';
import type { Pod } from '../kube/core';
import { parseScenario, synthesizePods } from '../topology/fixtures/scenario';
import { parseConfigDump, type EnvoyConfigDump } from './config-dump';
import { checkDrift } from './drift';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dump = (f: string) => parseConfigDump(readFileSync(dir + f, 'utf8'));
const ingress = readFileSync(fileURLToPath(new URL('../topology/fixtures/scenario-ingress-basics/01-istio-ingressgateway.yaml', import.meta.url)), 'utf8');

function snapshotOf(yaml: string): { snap: MeshSnapshot; pod: Pod } {
  const objects = parseScenario([ingress, yaml]);
  const snap = meshSnapshot([...objects, ...synthesizePods(objects)]);
  const pod = snap.pods.find((p) => p.metadata.name === 'istio-ingressgateway-0')!;
  return { snap, pod };
}

const HTTPBIN = `
apiVersion: v1
kind: Service
metadata: { name: httpbin, namespace: default }
spec:
  selector: { app: httpbin }
  ports: [{ name: http, port: 8000, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: httpbin, namespace: default }
spec:
  selector: { matchLabels: { app: httpbin } }
  template:
    metadata: { labels: { app: httpbin, version: v1 } }
    spec: { containers: [{ name: httpbin, image: mccutchen/go-httpbin, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: httpbin-gateway, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [httpbin.example.com] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: httpbin, namespace: default }
spec:
  hosts: [httpbin.example.com]
  gateways: [httpbin-gateway]
  http:
  - match: [{ uri: { prefix: /get } }]
    route: [{ destination: { host: httpbin, port: { number: 8000 } } }]
`;

const BOOKINFO = (https: boolean) => `
apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: default }
spec:
  selector: { app: productpage }
  ports: [{ name: http, port: 9080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: productpage-v1, namespace: default }
spec:
  selector: { matchLabels: { app: productpage, version: v1 } }
  template:
    metadata: { labels: { app: productpage, version: v1 } }
    spec: { containers: [{ name: productpage, image: bookinfo-productpage, ports: [{ containerPort: 9080 }] }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: bookinfo-gateway, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
  - ${https ? '{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: bookinfo-cert } }' : '{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }'}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: bookinfo, namespace: default }
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: { exact: /productpage }
    - uri: { prefix: /static }
    - uri: { exact: /login }
    - uri: { exact: /logout }
    - uri: { prefix: /api/v1/products }
    route: [{ destination: { host: productpage, port: { number: 9080 } } }]
`;

const vsOf = (snap: MeshSnapshot, name: string) => snap.virtualServices.find((v) => v.metadata.name === name)! as VirtualService & { spec: NonNullable<VirtualService['spec']> };

describe('drift check on real Istio dumps', () => {
  it('httpbin: every route of the VirtualService is in http.8080 (the dump has only routes)', () => {
    const { snap, pod } = snapshotOf(HTTPBIN);
    const d = checkDrift(dump('ingressgateway-httpbin-routes.config_dump.json'), snap, pod);
    expect(d.summary).toBe('Listeners Not Checked / Routes Match / Clusters Not Checked');
    expect(d.differences).toEqual([]);
    expect(d.routeResults).toEqual([
      { virtualService: 'default/httpbin', route: 'http[0]', routeConfig: 'http.8080', domain: 'httpbin.example.com', server: 'default/httpbin-gateway#0', state: 'match' },
    ]);
    expect(d.routes).toEqual({ checked: true, match: true, expected: 1, matched: 1 });
  });

  it('httpbin: a route added to the VirtualService is named as missing', () => {
    const { snap, pod } = snapshotOf(HTTPBIN);
    vsOf(snap, 'httpbin').spec.http!.push({ name: 'headers', match: [{ uri: { prefix: '/headers' } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] });
    const d = checkDrift(dump('ingressgateway-httpbin-routes.config_dump.json'), snap, pod);
    expect(d.summary).toBe("Listeners Not Checked / Routes Don't Match / Clusters Not Checked");
    expect(d.differences.map((x) => x.message)).toEqual(['route headers of VirtualService default/httpbin is missing from route configuration http.8080 on istio-ingressgateway-0']);
  });

  it('httpbin: a changed match, a changed destination and a route Envoy still has', () => {
    const { snap, pod } = snapshotOf(HTTPBIN);
    const vs = vsOf(snap, 'httpbin');
    vs.spec.http![0]!.route = [
      { destination: { host: 'httpbin', port: { number: 8000 } }, weight: 80 },
      { destination: { host: 'httpbin', port: { number: 8000 }, subset: 'v2' }, weight: 20 },
    ];
    snap.destinationRules.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'httpbin', namespace: 'default' }, spec: { host: 'httpbin', subsets: [{ name: 'v2', labels: { version: 'v2' } }] } });
    const d = checkDrift(dump('ingressgateway-httpbin-routes.config_dump.json'), snap, pod);
    expect(d.differences.map((x) => x.message)).toEqual([
      'route http[0] of VirtualService default/httpbin in route configuration http.8080 on istio-ingressgateway-0 sends traffic to outbound|8000||httpbin.default.svc.cluster.local instead of outbound|8000||httpbin.default.svc.cluster.local 80%, outbound|8000|v2|httpbin.default.svc.cluster.local 20%',
    ]);

    vs.spec.http![0]!.match = [{ uri: { prefix: '/anything' } }];
    const moved = checkDrift(dump('ingressgateway-httpbin-routes.config_dump.json'), snap, pod);
    expect(moved.differences.map((x) => x.message)).toEqual([
      'route http[0] of VirtualService default/httpbin is missing from route configuration http.8080 on istio-ingressgateway-0',
      'route configuration http.8080 on istio-ingressgateway-0 still has a route of VirtualService default/httpbin matching prefix /get that the resources no longer ask for',
    ]);
  });

  it('httpbin: a deleted VirtualService leaves a virtual host the resources no longer ask for', () => {
    const { snap, pod } = snapshotOf(HTTPBIN);
    snap.virtualServices = [];
    const d = checkDrift(dump('ingressgateway-httpbin-routes.config_dump.json'), snap, pod);
    expect(d.differences.map((x) => x.message)).toEqual([
      'route configuration http.8080 on istio-ingressgateway-0 still has virtual host httpbin.example.com:80 of VirtualService default/httpbin that the resources no longer ask for',
    ]);
  });

  it('bookinfo over HTTP: routes match; the trimmed dump lacks the listener and the unsubsetted cluster', () => {
    const { snap, pod } = snapshotOf(BOOKINFO(false));
    const d = checkDrift(dump('ingressgateway-bookinfo-http.config_dump.json'), snap, pod);
    expect(d.summary).toBe("Listeners Don't Match / Routes Match / Clusters Don't Match");
    expect(d.routeResults.map((r) => [r.route, r.domain, r.state])).toEqual([0, 1, 2, 3, 4].map((i) => [`http[0] match[${i}]`, '*', 'match']));
    expect(d.differences.map((x) => x.message)).toEqual([
      'listener 0.0.0.0_8080 (HTTP 80 · * of Gateway default/bookinfo-gateway) is missing on istio-ingressgateway-0',
      'cluster outbound|9080||productpage.default.svc.cluster.local (route http[0] match[0] of VirtualService default/bookinfo, route http[0] match[1] of VirtualService default/bookinfo, route http[0] match[2] of VirtualService default/bookinfo, route http[0] match[3] of VirtualService default/bookinfo, route http[0] match[4] of VirtualService default/bookinfo) is missing on istio-ingressgateway-0',
    ]);
    expect(d.servers).toEqual([
      { id: 'default/bookinfo-gateway#0', gateway: 'default/bookinfo-gateway', description: 'HTTP 80 · *', listener: '0.0.0.0_8080', routeConfig: 'http.8080', state: 'missing' },
    ]);
  });

  it('bookinfo over HTTPS: the route configuration is named after the server (https.443.https.bookinfo-gateway.default)', () => {
    const { snap, pod } = snapshotOf(BOOKINFO(true));
    const d = checkDrift(dump('ingressgateway-bookinfo-https-routes.config_dump.json'), snap, pod);
    expect(d.summary).toBe('Listeners Not Checked / Routes Match / Clusters Not Checked');
    expect(new Set(d.routeResults.map((r) => r.routeConfig))).toEqual(new Set(['https.443.https.bookinfo-gateway.default']));

    const http0 = vsOf(snap, 'bookinfo').spec.http![0]!;
    http0.match = http0.match!.filter((m) => m.uri?.exact !== '/logout');
    http0.match.push({ uri: { exact: '/logout' }, headers: { 'x-user': { exact: 'admin' } } });
    const changed = checkDrift(dump('ingressgateway-bookinfo-https-routes.config_dump.json'), snap, pod);
    expect(changed.differences.map((x) => x.message)).toEqual([
      'route http[0] match[4] of VirtualService default/bookinfo is missing from route configuration https.443.https.bookinfo-gateway.default on istio-ingressgateway-0',
      'route configuration https.443.https.bookinfo-gateway.default on istio-ingressgateway-0 still has a route of VirtualService default/bookinfo matching path /logout that the resources no longer ask for',
    ]);
  });

  it('a gateway whose routes are empty: the resources ask for a route configuration the dump does not have', () => {
    const { snap, pod } = snapshotOf(HTTPBIN);
    const d = checkDrift(dump('gateway-empty-routes.config_dump.json'), snap, pod);
    expect(d.differences.map((x) => x.message)).toEqual(['route configuration http.8080 (HTTP 80 · httpbin.example.com of Gateway default/httpbin-gateway) is missing on istio-ingressgateway-0']);
    expect(d.routeResults.map((r) => r.state)).toEqual(['missing']);
  });
});

describe('drift check: clusters and endpoints', () => {
  const { snap, pod } = snapshotOf(HTTPBIN);
  const cluster = 'outbound|8000||httpbin.default.svc.cluster.local';
  const withEds = (endpoints: Array<{ ip: string; port: number; health?: string }>): EnvoyConfigDump => {
    const raw = JSON.parse(readFileSync(dir + 'ingressgateway-httpbin-routes.config_dump.json', 'utf8')) as EnvoyConfigDump;
    raw.configs!.push(
      { '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: [{ cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: cluster, type: 'EDS', eds_cluster_config: { service_name: cluster } } }] },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
        dynamic_endpoint_configs: [
          {
            endpoint_config: {
              '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
              cluster_name: cluster,
              endpoints: [{ lb_endpoints: endpoints.map((e) => ({ endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } } }, health_status: e.health ?? 'HEALTHY' })) }],
            },
          },
        ],
      },
    );
    return raw;
  };
  const podIp = snap.pods.find((p) => p.metadata.name === 'httpbin-0')!.status!.podIP!;

  it('matches when the cluster has the ready pods as healthy endpoints', () => {
    const d = checkDrift(parseConfigDump(withEds([{ ip: podIp, port: 8080 }])), snap, pod);
    expect(d.summary).toBe('Listeners Not Checked / Routes Match / Clusters Match');
    expect(d.endpointsChecked).toBe(true);
  });

  it('says when a cluster has no healthy endpoint, lacks a pod, or keeps an old one', () => {
    expect(checkDrift(parseConfigDump(withEds([{ ip: podIp, port: 8080, health: 'UNHEALTHY' }])), snap, pod).differences.map((x) => x.message)).toEqual([
      `cluster ${cluster} has no healthy endpoint`,
    ]);
    expect(checkDrift(parseConfigDump(withEds([{ ip: '10.9.9.9', port: 8080 }])), snap, pod).differences.map((x) => x.message)).toEqual([
      `endpoint ${podIp}:8080 (pod default/httpbin-0) is missing from cluster ${cluster} on istio-ingressgateway-0`,
      `cluster ${cluster} on istio-ingressgateway-0 still sends traffic to 10.9.9.9:8080, which no ready pod of the Service has`,
    ]);
  });
});
