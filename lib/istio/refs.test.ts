import { describe, expect, it } from 'vitest';
import type { Pod, Service } from '../kube/core';
import {
  clusterName,
  destinationPort,
  findDestinationRule,
  findServiceByHost,
  findSubset,
  isExportedTo,
  podsForSubset,
  podsSelectedByService,
  resolveGatewayRef,
  serviceEndpoints,
  sortByCreation,
  subsetNames,
  virtualServiceGateways,
} from './refs';
import type { DestinationRule, VirtualService } from './types';

const svc = (name: string, ns: string, ports: Service['spec'] extends infer S ? (S extends { ports?: infer P } ? P : never) : never, selector?: Record<string, string>): Service => ({
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { ports, ...(selector ? { selector } : {}) },
});
const pod = (name: string, labels: Record<string, string>, ready = true, ports: Array<{ name?: string; containerPort: number }> = []): Pod => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', ports }] },
  status: { podIP: '127.0.0.9', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const dr = (name: string, ns: string, host: string, extra: Partial<DestinationRule['spec']> = {}, created?: string): DestinationRule => ({
  kind: 'DestinationRule',
  metadata: { name, namespace: ns, ...(created ? { creationTimestamp: created } : {}) },
  spec: { host, ...extra },
});

describe('VirtualService gateway references', () => {
  it.each([
    ['mesh', 'default', 'mesh', 'mesh'],
    ['httpbin-gateway', 'default', 'name', 'default/httpbin-gateway'],
    ['istio-system/default-gateway', 'default', 'namespace/name', 'istio-system/default-gateway'],
    ['./my-gateway', 'prod', './name', 'prod/my-gateway'],
    ['default-gateway.istio-system.svc.cluster.local', 'default', 'fqdn', 'istio-system/default-gateway'],
    ['default-gateway.istio-system', 'default', 'fqdn', 'istio-system/default-gateway'],
  ] as const)('%s in namespace %s is the %s form of %s', (raw, ns, form, key) => {
    expect(resolveGatewayRef(raw, ns)).toMatchObject({ raw, form, key });
  });

  it('a VirtualService without gateways binds to mesh only', () => {
    const vs: VirtualService = { metadata: { name: 'x', namespace: 'default' }, spec: { hosts: ['x'] } };
    expect(virtualServiceGateways(vs).map((g) => g.key)).toEqual(['mesh']);
    vs.spec!.gateways = ['gw', 'mesh'];
    expect(virtualServiceGateways(vs).map((g) => g.key)).toEqual(['default/gw', 'mesh']);
  });
});

describe('exportTo and ordering', () => {
  it('follows *, ., ~ and namespace names', () => {
    expect(isExportedTo(undefined, 'default', 'istio-system')).toBe(true);
    expect(isExportedTo(['*'], 'default', 'istio-system')).toBe(true);
    expect(isExportedTo(['.'], 'default', 'istio-system')).toBe(false);
    expect(isExportedTo(['.'], 'default', 'default')).toBe(true);
    expect(isExportedTo(['istio-system'], 'default', 'istio-system')).toBe(true);
    expect(isExportedTo(['~'], 'default', 'default')).toBe(false);
  });

  it('orders by creation time, then name, then namespace', () => {
    const objs = [
      { metadata: { name: 'b', namespace: 'x', creationTimestamp: '2026-01-02T00:00:00Z' } },
      { metadata: { name: 'a', namespace: 'y', creationTimestamp: '2026-01-02T00:00:00Z' } },
      { metadata: { name: 'a', namespace: 'x', creationTimestamp: '2026-01-02T00:00:00Z' } },
      { metadata: { name: 'z', namespace: 'x', creationTimestamp: '2026-01-01T00:00:00Z' } },
    ];
    expect(sortByCreation(objs).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['x/z', 'x/a', 'y/a', 'x/b']);
  });
});

describe('destinations, Services and ports', () => {
  const services = [
    svc('web-service', 'default', [{ name: 'http', port: 80, targetPort: 'http' }], { app: 'httpd' }),
    svc('multi', 'default', [{ port: 80 }, { port: 9090 }], { app: 'multi' }),
  ];

  it('finds the Service an FQDN names, and nothing for other hosts', () => {
    expect(findServiceByHost(services, 'web-service.default.svc.cluster.local')?.metadata.name).toBe('web-service');
    expect(findServiceByHost(services, 'web-service.default')).toBeUndefined();
    expect(findServiceByHost(services, 'web-service.other.svc.cluster.local')).toBeUndefined();
  });

  it('defaults the destination port to the only Service port, else the server port', () => {
    expect(destinationPort({ host: 'web-service', port: { number: 8080 } }, services[0], 443)).toBe(8080);
    expect(destinationPort({ host: 'web-service' }, services[0], 443)).toBe(80);
    expect(destinationPort({ host: 'multi' }, services[1], 443)).toBe(443);
    expect(clusterName('web-service.default.svc.cluster.local', 80, 'v1')).toBe('outbound|80|v1|web-service.default.svc.cluster.local');
  });

  it('resolves a named targetPort to each pod\'s container port', () => {
    const pods = [pod('a', { app: 'httpd', version: 'v1' }, true, [{ name: 'http', containerPort: 8081 }]), pod('b', { app: 'httpd', version: 'v2' }, false, [{ name: 'web', containerPort: 80 }]), pod('c', { app: 'other' })];
    expect(podsSelectedByService(services[0]!, pods).map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(serviceEndpoints(services[0]!, services[0]!.spec!.ports![0], pods)).toEqual([
      { pod: 'default/a', ip: '127.0.0.9', ready: true, port: 8081 },
      { pod: 'default/b', ip: '127.0.0.9', ready: false },
    ]);
    expect(podsForSubset(pods, { name: 'v2', labels: { version: 'v2' } }).map((p) => p.metadata.name)).toEqual(['b']);
  });
});

describe('the DestinationRule that applies to a host (PushContext.destinationRule)', () => {
  const host = 'web-service.default.svc.cluster.local';

  it('from a gateway in the root namespace: the service namespace first, then the root namespace', () => {
    const rules = [dr('root', 'istio-system', '*.svc.cluster.local'), dr('svc', 'default', 'web-service', { subsets: [{ name: 'v1' }] })];
    expect(findDestinationRule(rules, host, { clientNamespace: 'istio-system', serviceNamespace: 'default' })).toMatchObject({ scope: 'service-namespace', host });
    expect(findDestinationRule([rules[0]!], host, { clientNamespace: 'istio-system', serviceNamespace: 'default' })).toMatchObject({ scope: 'root-namespace', host: '*.svc.cluster.local' });
  });

  it('from a gateway in its own namespace: that namespace first', () => {
    const rules = [dr('svc', 'default', 'web-service'), dr('local', 'ingress', 'web-service.default.svc.cluster.local')];
    expect(findDestinationRule(rules, host, { clientNamespace: 'ingress', serviceNamespace: 'default' })?.rules[0]?.metadata.name).toBe('local');
  });

  it('ignores rules not exported to the client namespace, and private root rules only count for root clients', () => {
    const rules = [dr('hidden', 'default', 'web-service', { exportTo: ['.'] }), dr('root-private', 'istio-system', '*.default.svc.cluster.local', { exportTo: ['.'] })];
    expect(findDestinationRule(rules, host, { clientNamespace: 'ingress', serviceNamespace: 'default' })).toBeUndefined();
    expect(findDestinationRule(rules, host, { clientNamespace: 'istio-system', serviceNamespace: 'default' })).toMatchObject({ scope: 'root-namespace-local' });
  });

  it('prefers an exact host over a wildcard, and the longer wildcard', () => {
    const rules = [dr('wide', 'default', '*.cluster.local'), dr('narrow', 'default', '*.default.svc.cluster.local')];
    expect(findDestinationRule(rules, host, { clientNamespace: 'istio-system', serviceNamespace: 'default' })?.rules[0]?.metadata.name).toBe('narrow');
  });

  it('merges same-host rules of a namespace in creation order: the first subset of a name wins', () => {
    const rules = [
      dr('second', 'default', 'web-service', { subsets: [{ name: 'v1', labels: { version: 'one' } }, { name: 'v3', labels: { version: 'v3' } }] }, '2026-01-02T00:00:00Z'),
      dr('first', 'default', 'web-service', { subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, '2026-01-01T00:00:00Z'),
    ];
    const m = findDestinationRule(rules, host, { clientNamespace: 'istio-system', serviceNamespace: 'default' });
    expect(m?.rules.map((r) => r.metadata.name)).toEqual(['first', 'second']);
    expect(findSubset(m, 'v1')?.subset.labels).toEqual({ version: 'v1' });
    expect(findSubset(m, 'v3')?.rule.metadata.name).toBe('second');
    expect(subsetNames(m)).toEqual(['v1', 'v3']);
  });

  it('applies a rule with a workloadSelector only to the workload it selects, in its namespace', () => {
    const rules = [dr('sel', 'istio-system', host, { workloadSelector: { matchLabels: { istio: 'ingressgateway' } } }), dr('svc', 'default', 'web-service')];
    expect(findDestinationRule(rules, host, { clientNamespace: 'istio-system', clientLabels: { istio: 'ingressgateway' }, serviceNamespace: 'default' })?.rules[0]?.metadata.name).toBe('sel');
    expect(findDestinationRule(rules, host, { clientNamespace: 'istio-system', clientLabels: { istio: 'egressgateway' }, serviceNamespace: 'default' })?.rules[0]?.metadata.name).toBe('svc');
  });
});
