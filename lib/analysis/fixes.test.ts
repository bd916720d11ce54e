/**
 * Prefilled fixes on the real cases: the troubleshooting scenario's planted mistakes
 * (server/sandbox/scenarios/troubleshooting) and Istio's analyzer cases (fixtures/analyzer-cases).
 * Each fix, applied to its target, makes the finding go away without adding one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { applyFix, proposeFix, scaleWeights, type ProposedFix } from './fixes';
import type { Finding, KubeObject } from './types';

function loadYaml(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is KubeObject => !!d && typeof d === 'object' && typeof (d as KubeObject).kind === 'string');
}

const casesDir = fileURLToPath(new URL('./fixtures/analyzer-cases/', import.meta.url));
const scenarioDir = fileURLToPath(new URL('../../server/sandbox/scenarios/troubleshooting/', import.meta.url));

/** The scenario's objects, with one running pod per Deployment (what the sandbox's controllers make). */
function scenario(): KubeObject[] {
  const objects = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => loadYaml(scenarioDir + f));
  const pods = objects
    .filter((o) => o.kind === 'Deployment')
    .map((d) => {
      const t = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${d.metadata.name}-0`, namespace: d.metadata.namespace ?? 'default', labels: t.metadata.labels }, spec: {} } as KubeObject;
    });
  return [...objects, ...pods];
}

const find = (objects: readonly KubeObject[], ref: { kind: string; namespace: string; name: string }) =>
  objects.find((o) => o.kind === ref.kind && (o.metadata.namespace ?? '') === ref.namespace && o.metadata.name === ref.name);

/** The snapshot with the fix applied to its target. */
function fixed(objects: readonly KubeObject[], fix: ProposedFix): KubeObject[] {
  const target = find(objects, fix.target);
  expect(target).toBeDefined();
  const after = applyFix(target!, fix);
  expect(after).toBeDefined();
  return objects.map((o) => (o === target ? after! : o));
}

const key = (f: Finding) => `${f.code} ${f.origin} ${f.path ?? ''}`;

describe('prefilled fixes: troubleshooting scenario', () => {
  const objects = scenario();
  const findings = analyze(objects);
  const one = (code: string, origin: string) => {
    const f = findings.find((x) => x.code === code && x.origin === origin);
    expect(f, `${code} ${origin}`).toBeDefined();
    return f!;
  };

  it('VirtualService bound to a Gateway that does not exist → the one Gateway exposing its host', () => {
    const f = one('IST0101', 'VirtualService default/shop');
    const fix = proposeFix(f, objects)!;
    expect(fix.title).toBe('Use Gateway istio-system/default-gateway');
    expect(fix.target).toEqual({ kind: 'VirtualService', namespace: 'default', name: 'shop' });
    const after = fixed(objects, fix);
    expect((find(after, fix.target)!.spec as { gateways: string[] }).gateways).toEqual(['istio-system/default-gateway']);
    const left = analyze(after).filter((x) => x.origin === 'VirtualService default/shop');
    expect(left).toEqual([]);
  });

  it('the IST0132 of the same VirtualService offers the same fix', () => {
    const a = proposeFix(one('IST0101', 'VirtualService default/shop'), objects);
    const b = proposeFix(one('IST0132', 'VirtualService default/shop'), objects);
    expect(b).toEqual({ ...a, code: 'IST0132' });
  });

  it('destination port that is the container port → the Service port whose targetPort it is', () => {
    const f = one('IST0101', 'VirtualService default/httpbin-admin');
    const fix = proposeFix(f, objects)!;
    expect(fix.title).toBe('Use port 8000 of Service default/httpbin');
    expect(fix.patch).toContainEqual({ op: 'replace', path: '/spec/http/0/route/0/destination/port/number', value: 8000 });
    const left = analyze(fixed(objects, fix)).filter((x) => x.origin === 'VirtualService default/httpbin-admin');
    expect(left).toEqual([]);
  });

  it('offers nothing where the fix is a delete or a Secret (conflicting Gateways, Ingress, credential)', () => {
    for (const f of findings.filter((x) => !x.origin.startsWith('VirtualService'))) expect(proposeFix(f, objects), key(f)).toBeUndefined();
  });

  it('a fix whose assumption no longer holds does not apply', () => {
    const fix = proposeFix(one('IST0101', 'VirtualService default/httpbin-admin'), objects)!;
    const vs = structuredClone(find(objects, fix.target)!);
    (vs.spec as { http: Array<{ route: Array<{ destination: { port: { number: number } } }> }> }).http[0]!.route[0]!.destination.port.number = 9000;
    expect(applyFix(vs, fix)).toBeUndefined();
  });

  it('ns/name: a gateway named without its namespace resolves to the only Gateway of that name', () => {
    const shop = structuredClone(find(objects, { kind: 'VirtualService', namespace: 'default', name: 'shop' })!);
    (shop.spec as { gateways: string[] }).gateways = ['secure-gateway'];
    (shop.spec as { hosts: string[] }).hosts = ['secure.example.com'];
    const objs = objects.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'shop' ? shop : o));
    const f = analyze(objs).find((x) => x.code === 'IST0101' && x.origin === 'VirtualService default/shop')!;
    const fix = proposeFix(f, objs)!;
    expect(fix.title).toBe('Use Gateway istio-system/secure-gateway');
    expect(fix.note).toContain('the only Gateway named secure-gateway');
  });
});

describe('prefilled fixes: Istio analyzer cases', () => {
  const implicit = loadYaml(`${casesDir}_implicit-default-resources.yaml`);

  it('virtual-service-destination-rules: the missing subset is added to the host\'s DestinationRule', () => {
    const objects = [...loadYaml(`${casesDir}virtual-service-destination-rules/virtualservice_destinationrules.yaml`), ...implicit];
    const findings = analyze(objects, { analyzers: ['virtualservice.DestinationRuleAnalyzer'] });
    expect(findings.map((f) => f.origin).sort()).toEqual(['VirtualService default/reviews-bogussubset', 'VirtualService default/reviews-mirror-bogussubset']);
    for (const f of findings) {
      const fix = proposeFix(f, objects)!;
      expect(fix.title).toBe('Add subset bogus (version: bogus) to DestinationRule default/reviews');
      expect(fix.target).toEqual({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' });
      expect(fix.patch).toEqual([{ op: 'add', path: '/spec/subsets/-', value: { name: 'bogus', labels: { version: 'bogus' } } }]);
      expect(fix.note).toMatch(/No pod carries version=bogus/);
      const after = fixed(objects, fix);
      expect(analyze(after, { analyzers: ['virtualservice.DestinationRuleAnalyzer'] }).filter((x) => x.origin === f.origin)).toEqual([]);
    }
  });

  it('virtual-service-gateways: no Gateway exposes the hosts, so no fix is offered', () => {
    const objects = [...loadYaml(`${casesDir}virtual-service-gateways/virtualservice_gateways.yaml`), ...implicit];
    const findings = analyze(objects, { analyzers: ['virtualservice.GatewayAnalyzer'] });
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(proposeFix(f, objects), key(f)).toBeUndefined();
  });
});

describe('scaleWeights', () => {
  it('keeps proportions and adds up to 100', () => {
    expect(scaleWeights([45, 45])).toEqual([50, 50]);
    expect(scaleWeights([1, 1, 1])).toEqual([34, 33, 33]);
    expect(scaleWeights([80, 30])).toEqual([73, 27]);
    expect(scaleWeights([0, 0])).toEqual([0, 0]);
  });

  it('GSC0001 gets the scaled weights as its fix', () => {
    const vs: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'w', namespace: 'default' },
      spec: { hosts: ['w'], http: [{ route: [{ destination: { host: 'a' }, weight: 45 }, { destination: { host: 'b' }, weight: 45 }] }] },
    };
    const f = analyze([vs], { analyzers: ['GSC0001'] })[0]!;
    const fix = proposeFix(f, [vs])!;
    expect(fix.title).toBe('Scale the weights to 50 / 50');
    expect(analyze([applyFix(vs, fix)!], { analyzers: ['GSC0001'] })).toEqual([]);
  });
});
