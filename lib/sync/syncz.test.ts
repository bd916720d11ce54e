/**
 * istiod sync status on real and source-faithful answers (fixtures/, see PROVENANCE.md): the
 * Istio 1.14.1 /debug/syncz captured in Kiali's test data, the current shape reconstructed from
 * istiod's structs, and the xDS flavour istioctl prints with -o json / -o yaml.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { controlPlaneId, parseSyncStatusResponse, parseSyncz, shortType, syncState, TYPE_URLS } from './syncz';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const read = (f: string): string => readFileSync(dir + f, 'utf8');

describe('parseSyncz: Istio 1.14.1 (Kiali test data)', () => {
  const rows = parseSyncz(read('debug-syncz.istio-1.14.1.kiali-testdata.json'), { istiod: 'istiod-1' });

  it('reads every proxy with the flat *_sent / *_acked fields', () => {
    expect(rows).toHaveLength(34);
    expect(rows.every((r) => r.format === 'syncz-1.14' && r.proxyType === undefined && r.istiod === 'istiod-1')).toBe(true);
    const ingress = rows.find((r) => r.proxy.startsWith('istio-ingressgateway-'))!;
    expect(ingress).toMatchObject({ clusterId: 'Kubernetes', istiodVersion: '1.14.1', namespace: 'istio-system' });
    expect(ingress.types).toEqual({ CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'NOT SENT' });
  });

  it('shows RDS NOT SENT for the egress gateway that never received routes', () => {
    const egress = rows.find((r) => r.proxy.startsWith('istio-egressgateway-'))!;
    expect(egress.types.RDS).toBe('NOT SENT');
    expect(egress.types.CDS).toBe('SYNCED');
    expect(egress.errors).toBeUndefined();
  });
});

describe('parseSyncz: current istiod (reconstructed from pilot/pkg/xds/debug.go)', () => {
  const pretty = parseSyncz(read('debug-syncz.reconstructed-current.pretty.json'), { istiod: 'istiod-abc' });

  it('reads ?pretty and compact answers alike', () => {
    expect(parseSyncz(read('debug-syncz.reconstructed-current.compact.json'), { istiod: 'istiod-abc' })).toEqual(pretty);
  });

  it('derives each state from resources: SYNCED, STALE, ERROR, IGNORED', () => {
    const [ingress, httpd1, httpd2, egress] = pretty;
    expect(ingress).toMatchObject({ proxy: 'istio-ingressgateway-7d6874b48f-qxhn5.istio-system', proxyType: 'router', format: 'syncz', istiodVersion: '1.26.1' });
    expect(ingress!.types).toEqual({ CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'IGNORED' });
    expect(ingress!.resources.map((r) => r.shortType)).toEqual(['CDS', 'EDS', 'LDS', 'RDS', 'SDS']);
    expect(ingress!.resources[0]!.sentTime).toBe('2025-06-12T09:43:55.412337905Z');
    expect(httpd1!.types.RDS).toBe('STALE');
    expect(httpd2!.types.LDS).toBe('ERROR');
    expect(httpd2!.errors).toEqual({ LDS: "Error adding/updating listener(s) 0.0.0.0_8080: invalid regex: '[': missing ]" });
    // Not watched by the egress gateway: RDS is absent from its resources.
    expect(egress!.types).toEqual({ CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'IGNORED', ECDS: 'IGNORED' });
  });

  it('tolerates junk and rejects non-arrays', () => {
    expect(parseSyncz([null, 1, {}, { proxy: '' }, { proxy: 'p.ns', resources: { x: 'bad' } }]).map((r) => r.proxy)).toEqual(['p.ns']);
    expect(() => parseSyncz({ proxies: [] })).toThrow(/JSON array/);
  });

  it('treats Go zero sentTime as never sent', () => {
    const [row] = parseSyncz([{ proxy: 'a.b', proxy_type: 'sidecar', resources: { [TYPE_URLS.CDS]: { sentTime: '0001-01-01T00:00:00Z' } } }]);
    expect(row!.resources[0]).toMatchObject({ state: 'NOT SENT', sentTime: undefined });
    expect(row!.types.CDS).toBe('NOT SENT');
  });
});

describe('status rules of debug-syncz.fields.json', () => {
  it('ERROR > NOT SENT > SYNCED / STALE', () => {
    const rules = JSON.parse(read('debug-syncz.fields.json')) as { statusRules: Record<string, string> };
    expect(Object.keys(rules.statusRules)).toEqual(expect.arrayContaining(['ERROR', 'NOT SENT', 'SYNCED', 'STALE', 'IGNORED']));
    expect(syncState('n1', 'n0', 'boom')).toBe('ERROR');
    expect(syncState(undefined, undefined)).toBe('NOT SENT');
    expect(syncState('n1', 'n1')).toBe('SYNCED');
    expect(syncState('n2', 'n1')).toBe('STALE');
    expect(syncState('n2', undefined)).toBe('STALE');
  });

  it('names types like Istio', () => {
    expect(shortType(TYPE_URLS.ECDS)).toBe('ECDS');
    expect(shortType('type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret')).toBe('SDS');
    expect(shortType('type.googleapis.com/x.Y')).toBe('type.googleapis.com/x.Y');
  });
});

describe('parseSyncStatusResponse: the xDS flavour (istioctl proxy-status -o json / -o yaml)', () => {
  it('reads ClientConfig resources and the istiod id', () => {
    const json = JSON.parse(read('istioctl-proxy-status-o-json.single-istiod.json')) as unknown;
    expect(controlPlaneId(json)).toBe('istiod1');
    const [row] = parseSyncStatusResponse(json);
    expect(row).toMatchObject({ proxy: 'proxy1', clusterId: 'cluster1', istiodVersion: '1.20', istiod: 'istiod1', format: 'xds' });
    expect(row!.types).toEqual({ CDS: 'STALE', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'NOT SENT', ECDS: 'SYNCED' });
  });

  it('reads the YAML form the same way, and filters by node metadata NAMESPACE', () => {
    const yamlRows = parseSyncStatusResponse(parseYaml(read('istioctl-proxy-status-o-yaml.single-istiod.yaml')));
    expect(yamlRows).toEqual(parseSyncStatusResponse(JSON.parse(read('istioctl-proxy-status-o-json.single-istiod.json'))));
    const foo = parseSyncStatusResponse(parseYaml(read('istioctl-proxy-status-o-yaml.namespace-foo.yaml')), { namespace: 'foo' });
    expect(foo.map((r) => [r.proxy, r.namespace])).toEqual([['proxy1', 'foo']]);
    expect(parseSyncStatusResponse(parseYaml(read('istioctl-proxy-status-o-yaml.namespace-foo.yaml')), { namespace: 'bar' })).toEqual([]);
  });

  it('maps UNKNOWN to IGNORED, reads errorState and the deprecated xdsConfig list', () => {
    const [row] = parseSyncStatusResponse({
      resources: [
        {
          node: { id: 'p.ns', metadata: { NAMESPACE: 'ns' } },
          genericXdsConfigs: [
            { typeUrl: TYPE_URLS.CDS, configStatus: 'UNKNOWN' },
            { typeUrl: TYPE_URLS.LDS, configStatus: 'ERROR', lastUpdated: '2025-01-01T00:00:00Z', errorState: { details: 'nack' } },
            { typeUrl: TYPE_URLS.RDS },
          ],
        },
      ],
    });
    expect(row!.types).toEqual({ CDS: 'IGNORED', LDS: 'ERROR', EDS: 'IGNORED', RDS: 'IGNORED', ECDS: 'IGNORED' });
    expect(row!.errors).toEqual({ LDS: 'nack' });
    const [legacy] = parseSyncStatusResponse({ resources: [{ node: { id: 'q' }, xdsConfig: [{ status: 'SYNCED', clusterConfig: {} }, { status: 'STALE', routeConfig: {} }] }] });
    expect(legacy!.types).toEqual({ CDS: 'SYNCED', LDS: 'IGNORED', EDS: 'IGNORED', RDS: 'STALE', ECDS: 'IGNORED' });
  });
});
