import { describe, expect, it } from 'vitest';
import { isDns1123Label, isDns1123Subdomain, podRefError } from './names';

describe('DNS-1123 names', () => {
  it('accepts what the API server accepts', () => {
    for (const ok of ['default', 'istio-system', 'a', '0', 'a-b-c', 'x'.repeat(63)]) expect(isDns1123Label(ok), ok).toBe(true);
    for (const ok of ['istio-ingressgateway-7d9f-abc12', 'a.b.c', 'web-v1.default', 'x'.repeat(253)]) expect(isDns1123Subdomain(ok), ok).toBe(true);
  });

  it('rejects traversal, encodings, schemes, ports, upper case, long names and control characters', () => {
    const bad = [
      '',
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      'https:pod',
      'https://evil.example',
      'pod:15000',
      'pod:15000/',
      'Pod',
      'POD',
      'x'.repeat(300),
      'pod\r\nHost: evil',
      'pod\n',
      'pod/../secret',
      'a/b',
      '-pod',
      'pod-',
      'pod name',
      'pod\u0000',
      'pöd',
    ];
    for (const b of bad) {
      expect(isDns1123Label(b), JSON.stringify(b)).toBe(false);
      expect(isDns1123Subdomain(b), JSON.stringify(b)).toBe(false);
    }
    expect(isDns1123Label('x'.repeat(64))).toBe(false);
    expect(isDns1123Label('a.b')).toBe(false);
    expect(isDns1123Subdomain('x'.repeat(254))).toBe(false);
    expect(isDns1123Subdomain('a..b')).toBe(false);
    expect(isDns1123Label(undefined)).toBe(false);
    expect(isDns1123Label(7)).toBe(false);
  });

  it('podRefError says which name is wrong, with control characters escaped', () => {
    expect(podRefError('istio-system', 'istio-ingressgateway-1')).toBeUndefined();
    expect(podRefError('Istio-System', 'p')).toMatch(/^invalid namespace "Istio-System"/);
    expect(podRefError('default', 'p\r\nx')).toMatch(/^invalid pod name "p\\r\\nx"/);
    expect(podRefError('default', 'y'.repeat(300))).toContain('(300 characters)');
  });
});
