import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { canCompile, listRules } from '../kube/crd-cel';
import { destinationRuleCrd, findIstioCrd, gatewayCrd, istioCrds, istioSchema, validateIstioObject, virtualServiceCrd } from './crds';

const here = fileURLToPath(new URL('.', import.meta.url));

function yamlObjects(file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Record<string, unknown> => !!d && typeof d === 'object');
}

function fixtureFiles(): string[] {
  const scenario = `${here}fixtures/scenario-ingress-basics/`;
  const cases = `${here}../analysis/fixtures/analyzer-cases/`;
  const out = readdirSync(scenario).map((f) => scenario + f);
  for (const dir of readdirSync(cases, { withFileTypes: true })) {
    if (dir.isDirectory()) for (const f of readdirSync(cases + dir.name)) if (f.endsWith('.yaml')) out.push(`${cases}${dir.name}/${f}`);
  }
  return out.filter((f) => f.endsWith('.yaml')).sort();
}

const ns = (o: Record<string, unknown>) => (o.metadata as { namespace?: string; name?: string } | undefined) ?? {};

describe('Istio CRDs', () => {
  it('exposes the three networking CRDs with their names and versions', () => {
    expect(istioCrds.map((c) => c.kind)).toEqual(['DestinationRule', 'Gateway', 'VirtualService']);
    expect(gatewayCrd).toMatchObject({ group: 'networking.istio.io', plural: 'gateways', singular: 'gateway', shortNames: ['gw'], storageVersion: 'v1', scope: 'Namespaced' });
    expect(virtualServiceCrd.shortNames).toEqual(['vs']);
    expect(destinationRuleCrd.shortNames).toEqual(['dr']);
    expect(gatewayCrd.categories).toEqual(['istio-io', 'networking-istio-io']);
    for (const c of istioCrds) expect(c.versions.map((v) => v.name).sort()).toEqual(['v1', 'v1alpha3', 'v1beta1']);
    expect(virtualServiceCrd.versions[0]!.additionalPrinterColumns.map((p) => [p.name, p.jsonPath])).toEqual([
      ['Gateways', '.spec.gateways'],
      ['Hosts', '.spec.hosts'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(findIstioCrd('vs')).toBe(virtualServiceCrd);
    expect(findIstioCrd('DestinationRule', 'networking.istio.io')).toBe(destinationRuleCrd);
    expect(istioSchema('networking.istio.io/v1beta1', 'Gateway')).toBeDefined();
    expect(istioSchema('networking.istio.io/v2', 'Gateway')).toBeUndefined();
  });

  it('carries the CEL rules, all of which the interpreter compiles', () => {
    const all = istioCrds.flatMap((c) => c.versions.flatMap((v) => listRules(v.schema)));
    expect(all.length).toBe(168);
    expect(new Set(all.map((r) => r.rule.rule)).size).toBe(7);
    expect(all.some((r) => r.transition)).toBe(false);
    for (const r of all) expect(canCompile(r.rule.rule), r.rule.rule).toBe(true);
  });
});

describe('real Istio objects validate clean', () => {
  const files = fixtureFiles();
  const objects = files.flatMap((f) =>
    yamlObjects(f)
      .filter((o) => typeof o.apiVersion === 'string' && (o.apiVersion as string).startsWith('networking.istio.io/'))
      .map((o) => ({ file: f.slice(here.length), o })),
  );

  it('finds the fixture objects', () => {
    expect(objects.length).toBeGreaterThan(40);
  });

  // The one deliberately invalid input: Istio's analyzer test "conflicting gateways detect: no port"
  // feeds Gateways whose server has no `port` (the file is named *-invalid-port). istioctl analyze
  // reads files without the API server; kube-apiserver would reject them, and so do we.
  const invalidOnPurpose = 'conflicting-gateways-invalid-port.yaml';

  it.each(objects.map(({ file, o }) => [`${file}: ${o.kind} ${ns(o).namespace ?? ''}/${ns(o).name}`, file, o] as const))('%s', (_name, file, o) => {
    const r = validateIstioObject(o);
    expect(r).toBeDefined();
    if (file.endsWith(invalidOnPurpose)) {
      expect(r!.causes[0]).toEqual({ reason: 'FieldValueRequired', field: 'spec.servers[0].port', message: 'Required value' });
      return;
    }
    expect(r!.causes).toEqual([]);
    expect(r!.unknownFields).toEqual([]);
    expect(r!.skippedRules).toEqual([]);
  });
});

describe('crafted bad objects', () => {
  const vs = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'default' }, spec });
  const gw = (tls: unknown) => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls }] },
  });
  const dr = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'DestinationRule', metadata: { name: 'dr' }, spec });

  it('lists an unknown field', () => {
    const r = validateIstioObject(vs({ hosts: ['a'], foo: 1, http: [{ route: [{ destination: { host: 'a' }, wieght: 5 }] }] }))!;
    expect(r.unknownFields).toEqual(['spec.foo', 'spec.http[0].route[0].wieght']);
    expect(r.causes).toEqual([]);
  });

  it('rejects a number where a string is expected (and then skips CEL)', () => {
    const r = validateIstioObject(vs({ hosts: ['a'], http: [{ timeout: 5, route: [{ destination: { host: 'a' } }] }] }))!;
    expect(r.causes[0]).toEqual({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.http[0].timeout',
      message: 'Invalid value: "integer": spec.http[0].timeout in body must be of type string: "integer"',
    });
    expect(r.causes[1]!.field).toBe('<nil>');
  });

  it('rejects a string where an integer is expected', () => {
    const r = validateIstioObject(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: { number: '80' } }, weight: 'x' }] }] }))!;
    expect(r.causes.map((c) => [c.field, c.message])).toEqual([
      ['spec.http[0].route[0].destination.port.number', 'Invalid value: "string": spec.http[0].route[0].destination.port.number in body must be of type integer: "string"'],
      ['spec.http[0].route[0].weight', 'Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string"'],
      ['<nil>', 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'],
    ]);
  });

  it('accepts weight 101: the schema does not bound weight (istiod validation does)', () => {
    expect(validateIstioObject(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: 101 }] }] }))!.causes).toEqual([]);
  });

  it('enforces the port number bounds the schema declares', () => {
    const r = validateIstioObject(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: { number: -1 } } }] }] }))!;
    expect(r.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.http[0].route[0].destination.port.number',
        message: 'Invalid value: -1: spec.http[0].route[0].destination.port.number in body should be greater than or equal to 0',
      },
    ]);
  });

  it('rejects a bad tls.mode enum', () => {
    const r = validateIstioObject(gw({ mode: 'STRICT' }))!;
    expect(r.causes[0]).toEqual({
      reason: 'FieldValueNotSupported',
      field: 'spec.servers[0].tls.mode',
      message: 'Unsupported value: "STRICT": supported values: "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"',
    });
  });

  it('requires Gateway server fields', () => {
    const o = gw(undefined) as { spec: { servers: Array<Record<string, unknown>> } };
    delete o.spec.servers[0]!.hosts;
    (o.spec.servers[0]!.port as Record<string, unknown>).name = undefined;
    const r = validateIstioObject(JSON.parse(JSON.stringify(o)))!;
    expect(r.causes.slice(0, 2)).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.servers[0].port.name', message: 'Required value' },
      { reason: 'FieldValueRequired', field: 'spec.servers[0].hosts', message: 'Required value' },
    ]);
  });

  it('evaluates the CEL rules: credentialName with credentialNames', () => {
    const r = validateIstioObject(gw({ mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] }))!;
    expect(r.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.servers[0].tls', message: 'Invalid value: "object": only one of credentialName or credentialNames can be set' },
    ]);
  });

  it('evaluates the CEL rules: durations and label selectors', () => {
    const r = validateIstioObject(
      dr({
        host: 'a',
        trafficPolicy: { connectionPool: { tcp: { connectTimeout: '500us' } } },
        workloadSelector: { matchLabels: { app: 'web*' } },
      }),
    )!;
    expect(r.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', message: 'Invalid value: "string": must be a valid duration greater than 1ms' },
      { reason: 'FieldValueInvalid', field: 'spec.workloadSelector.matchLabels[app]', message: 'Invalid value: "string": wildcard not allowed in label value match' },
    ]);
  });

  it('evaluates the CEL rules: label keys and the three TLS credential exclusions', () => {
    const keys = validateIstioObject(dr({ host: 'a', workloadSelector: { matchLabels: { 'app*': 'web', '': 'x' } } }))!;
    expect(keys.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.workloadSelector.matchLabels', message: 'Invalid value: "object": wildcard not allowed in label key match' },
      { reason: 'FieldValueInvalid', field: 'spec.workloadSelector.matchLabels', message: 'Invalid value: "object": key must not be empty' },
    ]);
    const tls = validateIstioObject(gw({ mode: 'SIMPLE', credentialNames: ['a'], tlsCertificates: [{ serverCertificate: '/c.pem', privateKey: '/k.pem' }] }))!;
    expect(tls.causes.map((c) => c.message)).toEqual([
      'Invalid value: "object": only one of credentialNames or tlsCertificates can be set',
      'Invalid value: "object": only one of credentialName or tlsCertificates can be set',
    ]);
    expect(tls.skippedRules).toEqual([]);
  });

  it('reports the oneOf of loadBalancer', () => {
    const r = validateIstioObject(dr({ host: 'a', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', consistentHash: { httpHeaderName: 'x' } } } }))!;
    expect(r.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: '<nil>',
        message: 'Invalid value: "": "spec.trafficPolicy.loadBalancer" must validate one and only one schema (oneOf). Found 2 valid alternatives',
      },
    ]);
  });

  it('requires DestinationRule.spec.host', () => {
    expect(validateIstioObject(dr({ subsets: [] }))!.causes[0]).toEqual({ reason: 'FieldValueRequired', field: 'spec.host', message: 'Required value' });
  });
});
