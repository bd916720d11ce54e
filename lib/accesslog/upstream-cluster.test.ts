import { describe, expect, it } from 'vitest';
import { parseUpstreamCluster } from './upstream-cluster';

describe('parseUpstreamCluster', () => {
  it('splits Istio subset keys, SNI keys and special clusters', () => {
    expect(parseUpstreamCluster('outbound|80|v1|web-service.default.svc.cluster.local')).toEqual({
      direction: 'outbound',
      port: 80,
      subset: 'v1',
      service: 'web-service.default.svc.cluster.local',
      name: 'web-service',
      namespace: 'default',
    });
    expect(parseUpstreamCluster('inbound|8080||')).toEqual({ direction: 'inbound', port: 8080 });
    expect(parseUpstreamCluster('outbound|8000||httpbin.default.svc.cluster.local;')).toMatchObject({ port: 8000, name: 'httpbin' });
    expect(parseUpstreamCluster('outbound_.9080_.v2_.reviews.default.svc.cluster.local')).toMatchObject({ port: 9080, subset: 'v2', name: 'reviews' });
    expect(parseUpstreamCluster('PassthroughCluster')).toEqual({ kind: 'passthrough', cluster: 'PassthroughCluster' });
    expect(parseUpstreamCluster('InboundPassthroughClusterIpv4')).toEqual({ kind: 'inbound-passthrough', cluster: 'InboundPassthroughClusterIpv4' });
    expect(parseUpstreamCluster('BlackHoleCluster')).toEqual({ kind: 'blackhole', cluster: 'BlackHoleCluster' });
    expect(parseUpstreamCluster('prometheus_stats')).toEqual({ kind: 'other', cluster: 'prometheus_stats' });
    expect(parseUpstreamCluster('outbound|http|v1|x')).toEqual({ kind: 'other', cluster: 'outbound|http|v1|x' });
    expect(parseUpstreamCluster('-')).toBeUndefined();
    expect(parseUpstreamCluster(undefined)).toBeUndefined();
  });

});
