/**
 * Kiali's Istio-config checker cases (kiali/kiali tests/data/validations, copied in
 * fixtures/kiali-cases). Each KIA code is mapped to the gatescope finding that means the same
 * (see kiali-mapping.md); the context Kiali's Go tests build in code (workloads, services,
 * gateways, namespaces) is turned into objects here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { visibleFrom } from './export-to';
import type { Finding, KubeObject } from './types';

const dir = fileURLToPath(new URL('./fixtures/kiali-cases/', import.meta.url));

function loadYaml(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is KubeObject => !!d && typeof d === 'object' && typeof (d as KubeObject).kind === 'string');
}

interface Check {
  code: string;
  severity: string;
  path: string | null;
}
interface Case {
  inputFiles: string[];
  context: Record<string, unknown>;
  expected: { valid?: boolean; checks?: Check[]; countAsserted?: boolean; visible?: string[] };
}

const load = (name: string): { c: Case; objects: KubeObject[] } => {
  const c = JSON.parse(readFileSync(`${dir}${name}/expected.json`, 'utf8')) as Case;
  return { c, objects: c.inputFiles.flatMap((f) => loadYaml(`${dir}${name}/${f}`)) };
};

/** KIA code → the gatescope finding that means the same: code, analyzers, and a message filter. */
const MAPPING: Record<string, { code: string; analyzers: string[]; message?: RegExp }> = {
  KIA1107: { code: 'IST0101', analyzers: ['virtualservice.DestinationRuleAnalyzer'], message: /subset in destinationrule/ },
  KIA0203: { code: 'IST0173', analyzers: ['destinationrule.SubsetSelectPodAnalyzer'] },
  KIA1102: { code: 'IST0101', analyzers: ['virtualservice.GatewayAnalyzer', 'gatescope.RouteMatchGatewayAnalyzer'], message: /Referenced gateway not found/ },
  KIA0208: { code: 'GSC0007', analyzers: ['gatescope.TLSModeConflictAnalyzer'] },
  KIA0005: { code: 'GSC0008', analyzers: ['gatescope.ExportToNamespaceAnalyzer'] },
};

/** Kiali's `spec/http[0]/route[0]/destination` → `spec.http[0].route[0].destination`. */
const kialiPath = (p: string) => p.replaceAll('/', '.');

/** Runs the analyzers of `kia` and keeps the mapped findings about `origin`. */
function mapped(kia: string, objects: KubeObject[], origin: string, options: Parameters<typeof analyze>[1] = {}): Finding[] {
  const m = MAPPING[kia]!;
  return analyze(objects, { ...options, analyzers: m.analyzers }).filter(
    (f) => f.code === m.code && f.origin === origin && (!m.message || m.message.test(f.message)),
  );
}

/** Findings match Kiali's checks: same count, same order, each path at or below Kiali's. */
function expectChecks(findings: Finding[], checks: Check[]): void {
  expect(findings.map((f) => f.path)).toHaveLength(checks.length);
  checks.forEach((chk, i) => {
    expect(findings[i]!.code).toBe(MAPPING[chk.code]!.code);
    if (chk.path) expect(`${findings[i]!.path}.`.startsWith(`${kialiPath(chk.path)}.`)).toBe(true);
  });
}

const first = (objects: KubeObject[], kind: string) => objects.find((o) => o.kind === kind)!;
const origin = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

describe('Kiali VirtualService subset presence (KIA1107 → IST0101 host+subset)', () => {
  for (const name of [
    'vs-subset-presence-matching-subsets-1',
    'vs-subset-presence-matching-subsets-2',
    'vs-subset-presence-matching-subsets-diff-ns-fqdn',
    'vs-subset-presence-no-matching-subsets-1',
    'vs-subset-presence-no-matching-subsets-3',
    'vs-subset-presence-service-entry',
  ]) {
    it(name, () => {
      const { c, objects } = load(name);
      expectChecks(mapped('KIA1107', objects, origin(first(objects, 'VirtualService'))), c.expected.checks ?? []);
    });
  }

  // Kiali expands the half-qualified host `reviews.bookinfo` to reviews.bookinfo.svc.cluster.local.
  // istiod does not (ResolveShortnameToFQDN only qualifies names without a dot), and neither does
  // istioctl's DestinationRuleAnalyzer (GetResourceNameFromHost), which gatescope follows: the
  // route's subset cluster outbound|…|v1|reviews.bookinfo has no endpoints, so gatescope reports
  // both routes (IST0101 host+subset) where Kiali reports none.
  it.fails('vs-subset-presence-matching-subsets-half-fqdn (Kiali expands reviews.bookinfo; istiod does not)', () => {
    const { c, objects } = load('vs-subset-presence-matching-subsets-half-fqdn');
    expectChecks(mapped('KIA1107', objects, origin(first(objects, 'VirtualService'))), c.expected.checks ?? []);
  });
  it('vs-subset-presence-matching-subsets-half-fqdn: what gatescope reports instead', () => {
    const { objects } = load('vs-subset-presence-matching-subsets-half-fqdn');
    expect(mapped('KIA1107', objects, 'VirtualService bookinfo/reviews-vs').map((f) => [f.path, f.message])).toEqual([
      ['spec.http[0].route[0].destination.subset', 'Referenced host+subset in destinationrule not found: "reviews.bookinfo+v1"'],
      ['spec.http[1].route[0].destination.subset', 'Referenced host+subset in destinationrule not found: "reviews.bookinfo+v2"'],
    ]);
  });
});

describe('Kiali DestinationRule subset labels (KIA0203 → IST0173)', () => {
  for (const name of ['dr-nodest-subset-labels-not-referenced', 'dr-nodest-subset-labels-matching']) {
    it(name, () => {
      const { c, objects } = load(name);
      const ctx = c.context as {
        workloads: Record<string, Array<{ name: string; labels: Record<string, string> }>>;
        services: Array<{ name: string; namespace: string; selector: Record<string, string> }>;
      };
      const pods: KubeObject[] = Object.entries(ctx.workloads).flatMap(([ns, ws]) =>
        ws.map((w, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${w.name}-${i}`, namespace: ns, labels: w.labels } })),
      );
      const services: KubeObject[] = ctx.services.map((s) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: s.name, namespace: s.namespace },
        spec: { selector: s.selector, ports: [{ name: 'http', port: 9080 }] },
      }));
      const dr = objects.find((o) => o.kind === 'DestinationRule' && o.metadata.name === 'testrule')!;
      expectChecks(mapped('KIA0203', [...objects, ...pods, ...services], origin(dr)), c.expected.checks ?? []);
    });
  }
});

describe('Kiali gateway references (KIA1102 → IST0101 gateway)', () => {
  it('vs-no-gateway-in-http-match', () => {
    const { c, objects } = load('vs-no-gateway-in-http-match');
    const existing: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'valid-gateway', namespace: 'default' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    };
    const findings = mapped('KIA1102', [...objects, existing], 'VirtualService default/test');
    // The Go test asserts only the first check (code, severity) and valid=false.
    expect(c.expected.countAsserted).toBe(false);
    expect(findings[0]).toMatchObject({ code: 'IST0101', level: 'Error', path: 'spec.http[1].match[0].gateways[1]' });
    expect(findings[0]!.message).toBe('Referenced gateway not found: "non-existent-bookinfo-gateway"');
  });
});

describe('Kiali mesh-wide mTLS (KIA0208 → GSC0007)', () => {
  for (const name of ['dr-disabled-meshwide-mtls-1', 'dr-disabled-meshwide-mtls-2']) {
    it(name, () => {
      const { c, objects } = load(name);
      const findings = mapped('KIA0208', objects, origin(first(objects, 'DestinationRule')), { rootNamespace: 'istio-system' });
      expectChecks(findings, c.expected.checks ?? []);
      expect(findings.some((f) => f.level === 'Error')).toBe(c.expected.valid === false);
    });
  }
});

describe('Kiali exportTo namespaces (KIA0005 → GSC0008)', () => {
  for (const [name, kind] of [
    ['exportto-namespace-dr-invalid', 'DestinationRule'],
    ['exportto-namespace-dr-valid', 'DestinationRule'],
    ['exportto-namespace-vs-all-valid', 'VirtualService'],
  ] as const) {
    it(name, () => {
      const { c, objects } = load(name);
      const namespaces = c.context.existingNamespaces as string[];
      const findings = mapped('KIA0005', objects, origin(first(objects, kind)), { namespaces });
      expectChecks(findings, c.expected.checks ?? []);
      expect(findings.some((f) => f.level === 'Error')).toBe(c.expected.valid === false);
    });
  }
});

describe('Kiali exportTo visibility (visibleFrom with keepUnknownNamespaces)', () => {
  for (const [name, meshDefault] of [
    ['exportto-visibility-exporttonamespacesvs', undefined],
    ['exportto-visibility-drmeshexporttothis', ['.']],
  ] as const) {
    it(name, () => {
      const { c, objects } = load(name);
      const ctx = c.context as { namespaces: string[]; currentNamespace: string };
      const visible = visibleFrom(objects, ctx.currentNamespace, {
        ...(meshDefault ? { meshDefault } : {}),
        namespaces: ctx.namespaces,
        keepUnknownNamespaces: true,
      });
      expect(visible.map((o) => `${o.metadata.name}/${o.metadata.namespace}`)).toEqual(c.expected.visible);
    });
  }
});
