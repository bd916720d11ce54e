import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTED_ANNOTATION, redactForClient, redactSecret } from './redact';

describe('redactSecret', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'web-cert', namespace: 'istio-system', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"tls.key":"c2VjcmV0"}}' } },
    data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'c2VjcmV0' },
  };

  it('keeps certificates, replaces private keys, drops last-applied, and says which keys it hid', () => {
    const r = redactSecret(secret);
    expect(r.data).toEqual({ 'tls.crt': 'Y2VydA==', 'tls.key': REDACTED });
    expect(r.metadata.annotations).toEqual({ [REDACTED_ANNOTATION]: 'tls.key' });
    expect(JSON.stringify(r)).not.toContain('c2VjcmV0');
    expect(secret.data['tls.key']).toBe('c2VjcmV0'); // the cached object is untouched
  });

  it('redacts stringData and generic keys, and leaves other kinds alone', () => {
    const r = redactSecret({ kind: 'Secret', metadata: { name: 't' }, stringData: { token: 'abc' }, data: { password: 'eA==' } });
    expect(r).toMatchObject({ stringData: { token: 'REDACTED' }, data: { password: REDACTED } });
    const svc = { kind: 'Service', metadata: { name: 's' }, spec: {} };
    expect(redactForClient('services', svc)).toBe(svc);
  });
});
