import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProxy, mergeReplicas, parseSyncz } from './syncz';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as unknown;

describe('parseSyncz', () => {
  it('reads a current istiod answer: per-type states, NACK error, sentTime, proxy type', () => {
    const rows = parseSyncz(fixture('debug-syncz.reconstructed-current.pretty.json'), 'istiod-1');
    expect(rows.map((r) => r.proxy)).toEqual([
      'istio-ingressgateway-7d6874b48f-qxhn5.istio-system',
      'httpd-v1-5b8d7c9f6-4xk2p.default',
      'httpd-v2-6c9e8d0a7-9qw3z.default',
      'istio-egressgateway-c49694485-l9d5l.istio-system',
    ]);
    const [gw, v1, v2, egress] = rows as [NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>, NonNullable<(typeof rows)[0]>];
    expect(gw).toMatchObject({ pod: 'istio-ingressgateway-7d6874b48f-qxhn5', namespace: 'istio-system', proxyType: 'router', istioVersion: '1.26.1', clusterId: 'Kubernetes', istiod: 'istiod-1' });
    expect(Object.fromEntries(Object.entries(gw.types).map(([t, s]) => [t, s!.state]))).toEqual({ CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'NOT SENT', SDS: 'SYNCED' });
    expect(gw.types.CDS!.sentTime).toBe(Date.parse('2025-06-12T09:43:55.412Z'));
    expect(v1.types.RDS!.state).toBe('STALE');
    expect(v2.types.LDS).toMatchObject({ state: 'NACK', error: "Error adding/updating listener(s) 0.0.0.0_8080: invalid regex: '[': missing ]" });
    expect(describeProxy(v2)).toBe("LDS rejected: Error adding/updating listener(s) 0.0.0.0_8080: invalid regex: '[': missing ]");
    expect(describeProxy(gw)).toBeUndefined();
    expect(egress.types.RDS!.state).toBe('NOT SENT');
    expect(egress.types.SDS).toBeUndefined();
  });

  it('reads an Istio 1.14 answer (legacy fields, no proxy_type, no resources)', () => {
    const rows = parseSyncz(fixture('debug-syncz.istio-1.14.1.kiali-testdata.json'), 'istiod-old');
    expect(rows).toHaveLength(34);
    const ingress = rows.find((r) => r.pod.startsWith('istio-ingressgateway-'))!;
    expect(ingress.namespace).toBe('istio-system');
    expect(ingress.proxyType).toBeUndefined();
    expect(ingress.types.CDS!.state).toBe('SYNCED');
    expect(ingress.types.SDS).toBeUndefined();
    const egress = rows.find((r) => r.pod.startsWith('istio-egressgateway-'))!;
    expect(egress.types.RDS!.state).toBe('NOT SENT');
    expect(egress.types.ECDS!.state).toBe('NOT SENT');
  });

  it('refuses what is not a syncz answer', () => {
    expect(() => parseSyncz({ error: 'x' }, 'i')).toThrow('/debug/syncz did not answer a JSON array');
    expect(parseSyncz([null, 1, { nope: true }], 'i')).toEqual([]);
  });
});

describe('mergeReplicas', () => {
  const row = (proxy: string, istiod: string, sentTime?: string) =>
    parseSyncz([{ proxy, resources: { 'type.googleapis.com/envoy.config.cluster.v3.Cluster': { sent: 'n', acked: 'n', sentTime } } }], istiod)[0]!;

  it('keeps one row per proxy: the replica that pushed last, then the first by name', () => {
    const merged = mergeReplicas([
      [row('b.ns', 'istiod-a', '2026-01-01T00:00:01Z'), row('a.ns', 'istiod-a')],
      [row('b.ns', 'istiod-b', '2026-01-01T00:00:02Z'), row('a.ns', 'istiod-b'), row('c.ns', 'istiod-b')],
    ]);
    expect(merged.map((r) => `${r.proxy}@${r.istiod}`)).toEqual(['a.ns@istiod-a', 'b.ns@istiod-b', 'c.ns@istiod-b']);
  });
});
