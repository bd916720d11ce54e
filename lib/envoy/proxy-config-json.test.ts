/** `istioctl proxy-config … -o json`: the endpoint golden (endpoint/emptyfilter_output.json) byte for byte. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from './config-dump';
import { goJsonIndent, jsonName, renderClustersJson, renderEndpointsJson, renderListenersJson, renderRoutesJson, toProtoJson } from './proxy-config-json';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const read = (f: string): string => readFileSync(dir + f, 'utf8');
const dump = (f: string) => parseConfigDump(read(f));

describe('proxy-config -o json', () => {
  it('matches endpoint/emptyfilter_output.json byte for byte', () => {
    expect(renderEndpointsJson(dump('sidecar-endpoints.config_dump.json'))).toBe(read('sidecar-endpoints.istioctl-proxy-config-endpoints.json'));
  });

  it('keeps only matching endpoints and drops emptied assignments', () => {
    const out = JSON.parse(renderEndpointsJson(dump('sidecar-endpoints.config_dump.json'), { port: 8080 })) as Array<{ clusterName: string }>;
    expect(out.map((c) => c.clusterName)).toEqual(['outbound|80||istio-ingressgateway.istio-system.svc.cluster.local', 'outbound|80||skywalking-ui.skywalking.svc.cluster.local']);
  });

  it('converts field names like protoc and keeps Struct and map keys', () => {
    expect(jsonName('load_balancing_weight')).toBe('loadBalancingWeight');
    expect(jsonName('ipv4_compat')).toBe('ipv4Compat');
    const converted = toProtoJson({
      cluster_name: 'x',
      metadata: { filter_metadata: { 'istio': { workload_name: 'a', b_c: { z_z: 1, a_a: 2 } }, 'envoy.lb': { canary: true } } },
      typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': 'type.googleapis.com/x.Fault', max_active_faults: 1 } },
      typed_config: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', type_url: 'u', value: { snake_key: 1 } },
    });
    expect(JSON.stringify(converted)).toBe(
      '{"clusterName":"x","metadata":{"filterMetadata":{"envoy.lb":{"canary":true},"istio":{"b_c":{"a_a":2,"z_z":1},"workload_name":"a"}}},' +
        '"typedPerFilterConfig":{"envoy.filters.http.fault":{"@type":"type.googleapis.com/x.Fault","maxActiveFaults":1}},' +
        '"typedConfig":{"@type":"type.googleapis.com/udpa.type.v1.TypedStruct","typeUrl":"u","value":{"snake_key":1}}}',
    );
  });

  it('escapes HTML characters like encoding/json', () => {
    expect(goJsonIndent([{ a: '<b>&' }])).toBe('[\n    {\n        "a": "\\u003cb\\u003e\\u0026"\n    }\n]\n');
    expect(goJsonIndent([])).toBe('[]\n');
  });

  it('prints routes, clusters and listeners without the Any @type', () => {
    const routes = JSON.parse(renderRoutesJson(dump('ingressgateway-httpbin-routes.config_dump.json'), { name: 'http.8080' })) as Array<Record<string, unknown>>;
    expect(routes).toHaveLength(1);
    expect(Object.keys(routes[0]!)).toEqual(['name', 'virtualHosts', 'validateClusters', 'maxDirectResponseBodySizeBytes', 'ignorePortInHostMatching']);
    const clusters = JSON.parse(renderClustersJson(dump('ingressgateway-bookinfo-http.config_dump.json'))) as Array<Record<string, unknown>>;
    expect(clusters[0]!['name']).toBe('outbound|9080|v1|productpage.default.svc.cluster.local');
    expect(clusters[0]!['@type']).toBeUndefined();
    const listeners = JSON.parse(renderListenersJson(dump('waypoint-full.config_dump.json'), { port: 15021 })) as Array<Record<string, unknown>>;
    expect(listeners).toHaveLength(1);
    expect(listeners[0]!['filterChains']).toBeDefined();
  });
});
