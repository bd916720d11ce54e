/**
 * A synthetic ingress mesh of a given size, deterministic, for benchmarks (bench/topology.bench.ts)
 * and the large-graph lab page: Gateways with an HTTP and an HTTPS server each, VirtualServices
 * that bind them with a /v2 route and a 90/10 split over two Services, a DestinationRule with
 * subsets v1/v2 per Service, and backend pods spread over the Services, plus the gateway
 * Deployment's pods behind a LoadBalancer Service.
 */
import type { KubeObject } from '../kube/object';
import { meshSnapshot, type MeshSnapshot } from '../istio/snapshot';

export interface SyntheticSize {
  gateways: number;
  virtualServices: number;
  services: number;
  /** Backend pods, spread over the Services (the gateway pods come on top). */
  pods: number;
  gatewayPods?: number;
}

export const LARGE: SyntheticSize = { gateways: 50, virtualServices: 500, services: 1000, pods: 5000 };

const ready = [{ type: 'Ready', status: 'True' }];

export function syntheticObjects(size: SyntheticSize): KubeObject[] {
  const out: KubeObject[] = [];
  const gwPods = size.gatewayPods ?? 4;
  const push = (o: Record<string, unknown>) => out.push(o as unknown as KubeObject);
  push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      type: 'LoadBalancer',
      selector: { istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080, nodePort: 30000 },
        { name: 'https', port: 443, targetPort: 8443, nodePort: 30443 },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
  });
  for (let i = 0; i < gwPods; i++) {
    push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `istio-ingressgateway-${i}`, namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' } },
      spec: { containers: [{ name: 'istio-proxy', ports: [{ containerPort: 8080 }, { containerPort: 8443 }] }] },
      status: { phase: 'Running', podIP: `127.1.0.${i + 1}`, conditions: ready },
    });
  }
  for (let g = 0; g < size.gateways; g++) {
    push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: `gw-${g}`, namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`*.g${g}.example.com`] },
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`*.g${g}.example.com`], tls: { mode: 'SIMPLE', credentialName: `g${g}-cert` } },
        ],
      },
    });
  }
  const ns = (s: number) => `team-${s % 20}`;
  for (let s = 0; s < size.services; s++) {
    push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}`, namespace: ns(s) }, spec: { selector: { app: `svc-${s}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: `svc-${s}`, namespace: ns(s) },
      spec: { host: `svc-${s}.${ns(s)}.svc.cluster.local`, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
    });
  }
  for (let p = 0; p < size.pods; p++) {
    const s = p % size.services;
    const version = Math.floor(p / size.services) % 2 ? 'v2' : 'v1';
    push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `svc-${s}-${version}-${p}`, namespace: ns(s), labels: { app: `svc-${s}`, version } },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: `127.2.${Math.floor(p / 250)}.${(p % 250) + 1}`, conditions: ready },
    });
  }
  for (let v = 0; v < size.virtualServices; v++) {
    const g = v % Math.max(1, size.gateways);
    const a = (2 * v) % size.services;
    const b = (2 * v + 1) % size.services;
    const host = (s: number) => `svc-${s}.${ns(s)}.svc.cluster.local`;
    push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: `vs-${v}`, namespace: ns(a) },
      spec: {
        hosts: [`app${v}.g${g}.example.com`],
        gateways: [`istio-system/gw-${g}`],
        http: [
          { name: 'v2', match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: host(a), port: { number: 80 }, subset: 'v2' } }] },
          {
            name: 'split',
            route: [
              { destination: { host: host(a), port: { number: 80 }, subset: 'v1' }, weight: 90 },
              { destination: { host: host(b), port: { number: 80 }, subset: 'v1' }, weight: 10 },
            ],
          },
        ],
      },
    });
  }
  return out;
}

export function syntheticSnapshot(size: SyntheticSize): MeshSnapshot {
  return meshSnapshot(syntheticObjects(size));
}
