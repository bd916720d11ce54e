import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../api/store';
import { applyScenario, builtinScenarios, loadScenario, SCENARIO_ROOT, ScenarioError } from './load';

describe('scenarios', () => {
  it('ships ingress-basics and troubleshooting', () => {
    expect(builtinScenarios()).toEqual(expect.arrayContaining(['ingress-basics', 'troubleshooting']));
  });

  it('troubleshooting starts with byte-identical copies of ingress-basics', () => {
    for (const f of readdirSync(join(SCENARIO_ROOT, 'ingress-basics')).filter((n) => n.endsWith('.yaml'))) {
      expect(readFileSync(join(SCENARIO_ROOT, 'troubleshooting', f), 'utf8'), f).toBe(readFileSync(join(SCENARIO_ROOT, 'ingress-basics', f), 'utf8'));
    }
  });

  it('each troubleshooting mistake file explains itself in a leading comment', () => {
    for (const f of readdirSync(join(SCENARIO_ROOT, 'troubleshooting')).filter((n) => /^2\d-.*\.yaml$/.test(n))) {
      const text = readFileSync(join(SCENARIO_ROOT, 'troubleshooting', f), 'utf8');
      expect(text.startsWith('# MISTAKE:'), f).toBe(true);
      expect(text, f).toMatch(/# Fix: /);
    }
  });

  it('loads by name, by file and by directory; unknown names fail with the list of built-ins', () => {
    const byName = loadScenario('ingress-basics');
    expect(byName.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(['Gateway/default-gateway', 'ConfigMap/istio', 'Deployment/istiod', 'Service/istiod']));
    expect(loadScenario(join(SCENARIO_ROOT, 'ingress-basics'))).toHaveLength(byName.length);
    expect(loadScenario(join(SCENARIO_ROOT, 'ingress-basics', '03-counter.yaml')).map((o) => o.kind)).toEqual(['Service', 'Deployment', 'VirtualService']);
    expect(() => loadScenario('no-such-scenario')).toThrow(ScenarioError);
    expect(() => loadScenario('no-such-scenario')).toThrow(/ingress-basics, troubleshooting/);
  });

  it('applies every object of both scenarios in storage versions, with defaults and kubectl last-applied annotations', () => {
    for (const name of ['ingress-basics', 'troubleshooting']) {
      const store = new Store();
      const r = applyScenario(store, loadScenario(name));
      expect(r.skipped).toEqual([]);
      const gw = store.get('networking.istio.io/gateways', 'istio-system', 'default-gateway')!;
      expect(gw.apiVersion).toBe('networking.istio.io/v1');
      expect(JSON.parse(gw.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!).apiVersion).toBe('networking.istio.io/v1beta1');
      const secret = store.get('core/secrets', 'istio-system', 'istio-ingressgateway-certs')!;
      expect(Buffer.from((secret['data'] as Record<string, string>)['tls.crt']!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
      const d = store.get('apps/deployments', 'default', 'counter')!;
      expect((d['spec'] as { strategy: { type: string } }).strategy.type).toBe('RollingUpdate');
      expect(store.get('core/configmaps', 'istio-system', 'istio')!['data']).toMatchObject({ mesh: expect.stringContaining('accessLogFile: /dev/stdout') });
      // Namespaces first: the store's resourceVersion order follows dependency order.
      const rv = (key: string, ns: string | undefined, n: string) => Number(store.get(key, ns, n)!.metadata.resourceVersion);
      expect(rv('core/namespaces', undefined, 'istio-system')).toBeLessThan(rv('core/secrets', 'istio-system', 'istio-ingressgateway-certs'));
      expect(rv('core/services', 'default', 'counter')).toBeLessThan(rv('apps/deployments', 'default', 'counter'));
      expect(rv('apps/deployments', 'default', 'counter')).toBeLessThan(rv('networking.istio.io/virtualservices', 'default', 'counter'));
    }
  });

  it('applying again updates instead of failing', () => {
    const store = new Store();
    applyScenario(store, loadScenario('ingress-basics'));
    const r = applyScenario(store, loadScenario('ingress-basics'));
    expect(r.created).toBe(0);
  });
});
