/**
 * The restart route's gates, before anything reaches the cluster: the CSRF header and same
 * origin (server/http/csrf.ts), then --read-only. (The actions themselves run against a sandbox
 * in server/envoy/drift-data-plane.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POST } from '../../app/api/proxies/[namespace]/[pod]/restart/route';
import { setRuntime, type Runtime } from '../runtime';

const ctx = { params: Promise.resolve({ namespace: 'istio-system', pod: 'istio-ingressgateway-0' }) };
const url = 'http://127.0.0.1:3000/api/proxies/istio-system/istio-ingressgateway-0/restart?target=pod';

describe('POST /api/proxies/{ns}/{pod}/restart', () => {
  afterEach(() => setRuntime(undefined));

  it('refuses a request without the CSRF header, or from another origin', async () => {
    const plain = await POST(new Request(url, { method: 'POST' }), ctx);
    expect(plain.status).toBe(403);
    expect(((await plain.json()) as { reason: string }).reason).toBe('CSRF');
    const cross = await POST(new Request(url, { method: 'POST', headers: { 'x-gatescope-csrf': '1', origin: 'http://evil.example' } }), ctx);
    expect(cross.status).toBe(403);
  });

  it('refuses under --read-only', async () => {
    setRuntime({ readOnly: true, services: {} } as unknown as Runtime);
    const res = await POST(new Request(url, { method: 'POST', headers: { 'x-gatescope-csrf': '1' } }), ctx);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { reason: string }).reason).toBe('ReadOnly');
  });
});
