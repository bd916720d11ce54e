/**
 * Golden tests: istioctl's proxy-status writer tests (istio/istio istioctl/pkg/writer/pilot/status_test.go),
 * inputs transcribed in fixtures/istioctl-proxy-status.table-cases.json, outputs in the golden files.
 * Each input is turned into the xDS DiscoveryResponse istioctl receives, read with
 * parseSyncStatusResponse and rendered; the text must match byte for byte.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderProxyStatus, type ProxyStatusLayout } from './proxy-status';
import { parseSyncStatusResponse, parseSyncz, TYPE_URLS, type ProxySyncStatus, type XdsShortType } from './syncz';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const read = (f: string): string => readFileSync(dir + f, 'utf8');

interface CaseProxy extends Partial<Record<XdsShortType, string>> {
  proxyID: string;
  clusterID: string;
  version: string;
  namespace?: string;
}
interface TableCase {
  name: string;
  format: string;
  verbosity: number;
  namespaceFilter?: string;
  golden: string;
  legacyGolden?: string;
  input: Record<string, CaseProxy[]>;
}

const cases = (JSON.parse(read('istioctl-proxy-status.table-cases.json')) as { cases: TableCase[] }).cases;

/** The DiscoveryResponse one istiod sends istioctl, as in istioctl-proxy-status-o-json.single-istiod.json. */
function discoveryResponse(istiod: string, proxies: CaseProxy[]): unknown {
  const order: XdsShortType[] = ['CDS', 'LDS', 'RDS', 'EDS', 'ECDS'];
  return {
    versionInfo: '1.1',
    resources: proxies.map((p) => ({
      '@type': 'type.googleapis.com/envoy.service.status.v3.ClientConfig',
      node: { id: p.proxyID, metadata: { CLUSTER_ID: p.clusterID, ISTIO_VERSION: p.version, ...(p.namespace ? { NAMESPACE: p.namespace } : {}) } },
      genericXdsConfigs: order.filter((t) => p[t] !== undefined).map((t) => ({ typeUrl: TYPE_URLS[t], configStatus: p[t] })),
    })),
    typeUrl: 'type.googleapis.com/envoy.service.status.v3.ClientConfig',
    controlPlane: { identifier: JSON.stringify({ Component: 'istiod', ID: istiod, Info: { version: '1.1', revision: '', golang_version: '', status: '', tag: '' } }) },
  };
}

function statusesOf(c: TableCase): ProxySyncStatus[] {
  return Object.entries(c.input).flatMap(([istiod, proxies]) => parseSyncStatusResponse(discoveryResponse(istiod, proxies)));
}

describe('istioctl proxy-status tables (byte for byte)', () => {
  for (const c of cases.filter((x) => x.format === 'table')) {
    const layout: ProxyStatusLayout = c.verbosity > 0 ? 'verbose' : 'current';
    it(`${c.name}: ${c.golden}`, () => {
      expect(renderProxyStatus(statusesOf(c), { layout })).toBe(read(c.golden));
    });
    if (c.legacyGolden) {
      const legacyGolden = c.legacyGolden;
      it(`${c.name}: ${legacyGolden} (Istio ≤ 1.26 layout)`, () => {
        const golden = read(legacyGolden);
        // istioctl ends the table with '\n'; one golden file was stored without it (Go's test trims both sides).
        expect(renderProxyStatus(statusesOf(c), { layout: 'legacy' })).toBe(golden.endsWith('\n') ? golden : `${golden}\n`);
      });
    }
  }

  it('renders the -o json golden input as the current table', () => {
    const rows = parseSyncStatusResponse(JSON.parse(read('istioctl-proxy-status-o-json.single-istiod.json')));
    expect(renderProxyStatus(rows)).toBe('NAME       CLUSTER      ISTIOD      VERSION     SUBSCRIBED TYPES\nproxy1     cluster1     istiod1     1.20        5 (CDS,LDS,EDS,RDS,ECDS)\n');
  });

  it('filters by namespace like istioctl -n', () => {
    const c = cases.find((x) => x.namespaceFilter === 'foo')!;
    expect(renderProxyStatus(statusesOf(c), { namespace: 'foo' }).trimEnd().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['NAME', 'proxy1']);
  });
});

describe('the Istio 1.7 table of istio.io (HTTP syncz writer)', () => {
  it('reproduces the istio.io proxy-status output from syncz rows', () => {
    const golden = read('istio-io-docs.proxy-status.istio-1.7.txt');
    // Rebuild the /debug/syncz rows behind the doc's table: SYNCED = sent and acked nonces equal, NOT SENT = no nonce.
    const rows = golden
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {5,}/))
      .map(([proxy, cds, lds, eds, rds, istiod, version]) => {
        const row: Record<string, string> = { proxy: proxy!, istio_version: version! };
        for (const [prefix, state] of [['cluster', cds], ['listener', lds], ['endpoint', eds], ['route', rds]] as const) {
          if (state === 'SYNCED') row[`${prefix}_sent`] = row[`${prefix}_acked`] = `nonce-${prefix}`;
        }
        return { row, istiod: istiod! };
      });
    const statuses = rows.flatMap(({ row, istiod }) => parseSyncz([row], { istiod }));
    expect(renderProxyStatus(statuses, { layout: 'istio-1.7' })).toBe(golden);
  });

  it('prints STALE (Never Acknowledged) and the proxy_version* fallback of that writer', () => {
    const statuses = parseSyncz([{ proxy: 'a.ns', proxy_version: 'abc', cluster_sent: 'n1', listener_sent: 'n2', listener_acked: 'n1' }], { istiod: 'istiod-x' });
    expect(renderProxyStatus(statuses, { layout: 'istio-1.7' })).toBe(
      'NAME     CDS                            LDS       EDS          RDS          ISTIOD       VERSION\n' +
        'a.ns     STALE (Never Acknowledged)     STALE     NOT SENT     NOT SENT     istiod-x     abc*\n',
    );
  });
});

describe('proxy-status from /debug/syncz', () => {
  it('shows the egress gateway of Istio 1.14 with RDS NOT SENT in the legacy layout', () => {
    const rows = parseSyncz(read('debug-syncz.istio-1.14.1.kiali-testdata.json'), { istiod: 'istiod-1' });
    const out = renderProxyStatus(rows, { layout: 'legacy' });
    const egress = out.split('\n').find((l) => l.startsWith('istio-egressgateway-'))!;
    expect(egress.split(/ {5,}/)).toEqual([expect.stringMatching(/^istio-egressgateway-/), 'Kubernetes', 'SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT', 'NOT SENT', 'istiod-1', '1.14.1']);
    expect(out.split('\n')).toHaveLength(36);
  });

  it('renders the current istiod answer: subscribed types, verbose columns with SDS, and push ages', () => {
    const rows = parseSyncz(read('debug-syncz.reconstructed-current.compact.json'), { istiod: 'istiod-7f9c8' });
    expect(renderProxyStatus(rows)).toBe(
      [
        'NAME                                                   CLUSTER        ISTIOD           VERSION     SUBSCRIBED TYPES',
        'httpd-v1-5b8d7c9f6-4xk2p.default                       Kubernetes     istiod-7f9c8     1.26.1      4 (CDS,LDS,EDS,RDS)',
        'httpd-v2-6c9e8d0a7-9qw3z.default                       Kubernetes     istiod-7f9c8     1.26.1      4 (CDS,LDS,EDS,RDS)',
        'istio-egressgateway-c49694485-l9d5l.istio-system       Kubernetes     istiod-7f9c8     1.26.1      3 (CDS,LDS,EDS)',
        'istio-ingressgateway-7d6874b48f-qxhn5.istio-system     Kubernetes     istiod-7f9c8     1.26.1      5 (CDS,LDS,EDS,RDS,SDS)',
        '',
      ].join('\n'),
    );
    const verbose = renderProxyStatus(rows, { layout: 'verbose', now: Date.parse('2025-06-12T09:48:56Z') });
    const lines = verbose.split('\n');
    expect(lines[0]!.split(/ {5,}/)).toEqual(['NAME', 'CLUSTER', 'CDS', 'ECDS', 'EDS', 'LDS', 'RDS', 'SDS', 'ISTIOD', 'VERSION']);
    expect(lines[2]!.split(/ {5,}/)).toEqual(['httpd-v2-6c9e8d0a7-9qw3z.default', 'Kubernetes', 'SYNCED (5m)', 'IGNORED', 'SYNCED (5m)', 'ERROR (5m)', 'SYNCED (5m)', 'IGNORED', 'istiod-7f9c8', '1.26.1']);
    expect(lines[4]!.split(/ {5,}/)[7]).toBe('SYNCED (7m48s)');
  });
});
