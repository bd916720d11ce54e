import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../api/store';
import { CounterImpl, HttpbinImpl, HttpdImpl, TcpEchoImpl } from './backends/index';
import { GatewayProxyImpl } from './envoy/index';
import { createImageResolver, imageRepository } from './images';
import { IstiodImpl } from './istiod/index';

const pod = (labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels } }) as StoredObject;

describe('images', () => {
  it('reduces image references to repositories', () => {
    expect(imageRepository('httpd')).toBe('httpd');
    expect(imageRepository('docker.io/library/httpd:2.4@sha256:abc')).toBe('httpd');
    expect(imageRepository('docker.io/istio/proxyv2:1.26.1')).toBe('istio/proxyv2');
    expect(imageRepository('gcr.io/istio-release/pilot:1.26.1')).toBe('istio-release/pilot');
    expect(imageRepository('localhost:5000/counter:latest')).toBe('counter');
    expect(imageRepository('mysql:8.0')).toBe('mysql');
  });

  it('maps the scenario images to their containers', () => {
    const r = createImageResolver();
    const img = (image: string, args?: string[], labels?: Record<string, string>) => r({ name: 'c', image, args }, pod(labels));
    expect(img('docker.io/istio/proxyv2:1.26.1', ['proxy', 'router'])).toBeInstanceOf(GatewayProxyImpl);
    expect(img('docker.io/istio/proxyv2:1.26.1', ['proxy', 'sidecar'])).toBeUndefined();
    expect(img('docker.io/istio/proxyv2:1.26.1', [], { istio: 'ingressgateway' })).toBeInstanceOf(GatewayProxyImpl);
    expect(img('docker.io/istio/pilot:1.26.1')).toBeInstanceOf(IstiodImpl);
    expect(img('httpd')).toBeInstanceOf(HttpdImpl);
    expect(img('docker.io/mccutchen/go-httpbin:v2.15.0')).toBeInstanceOf(HttpbinImpl);
    expect(img('docker.io/kong/httpbin')).toBeInstanceOf(HttpbinImpl);
    expect(img('kennethreitz/httpbin')).toBeInstanceOf(HttpbinImpl);
    expect(img('counter:latest')).toBeInstanceOf(CounterImpl);
    expect(img('mysql:8.0')).toBeInstanceOf(TcpEchoImpl);
    expect(img('nginx')).toBeUndefined();
  });
});
