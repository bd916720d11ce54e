import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION, suppressedCodes, suppressionOf, withoutSuppression, withSuppression } from './suppress';
import type { KubeObject } from './types';

const vs = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { hosts: ['shop.example.com'], gateways: ['istio-system/shop-gateway'], http: [{ route: [{ destination: { host: 'web' } }] }] },
});

const codes = (objects: KubeObject[], includeSuppressed = false) =>
  analyze(objects, { analyzers: ['virtualservice.GatewayAnalyzer'], includeSuppressed }).map((f) => `${f.code}${f.suppressed ? ` (suppressed by ${f.suppressed.by}: ${f.suppressed.reason ?? '-'})` : ''}`);

describe('suppression annotation (istioctl analyze semantics)', () => {
  it('without annotation every finding is reported', () => {
    expect(codes([vs()])).toEqual(['IST0101', 'IST0132']);
  });

  it('a listed code is not reported on that object', () => {
    expect(codes([vs({ [SUPPRESS_ANNOTATION]: 'IST0101' })])).toEqual(['IST0132']);
    expect(codes([vs({ [SUPPRESS_ANNOTATION]: 'IST0132,IST0101' })])).toEqual([]);
  });

  it('`*` suppresses every code', () => {
    expect(codes([vs({ [SUPPRESS_ANNOTATION]: '*' })])).toEqual([]);
  });

  it('pieces are compared exactly, as istioctl does (a space after the comma does not match)', () => {
    expect(codes([vs({ [SUPPRESS_ANNOTATION]: 'IST0101, IST0132' })])).toEqual(['IST0132']);
  });

  it('includeSuppressed returns them marked, with the reason', () => {
    const o = withSuppression(vs(), 'IST0101', 'shop-gateway ships with the next release');
    expect(codes([o], true)).toEqual(['IST0101 (suppressed by IST0101: shop-gateway ships with the next release)', 'IST0132']);
  });
});

describe('withSuppression / withoutSuppression', () => {
  it('adds the code once and keeps reasons per code as JSON', () => {
    let o = withSuppression(vs(), 'IST0101', 'first');
    o = withSuppression(o, 'IST0132', 'second');
    o = withSuppression(o, 'IST0101', 'first, again');
    expect(o.metadata.annotations).toEqual({
      [SUPPRESS_ANNOTATION]: 'IST0101,IST0132',
      [SUPPRESS_REASON_ANNOTATION]: JSON.stringify({ IST0101: 'first, again', IST0132: 'second' }),
    });
    expect(suppressionOf(o, 'IST0132')).toEqual({ by: 'IST0132', reason: 'second' });
  });

  it('keeps other annotations and does not modify its argument', () => {
    const before = vs({ team: 'web' });
    const o = withSuppression(before, 'IST0101', 'r');
    expect(before.metadata.annotations).toEqual({ team: 'web' });
    expect(o.metadata.annotations?.team).toBe('web');
  });

  it('unsuppress removes the code and its reason, and the annotations when empty', () => {
    const o = withSuppression(withSuppression(vs(), 'IST0101', 'a'), 'IST0132', 'b');
    const one = withoutSuppression(o, 'IST0101');
    expect(suppressedCodes(one)).toEqual(['IST0132']);
    expect(one.metadata.annotations?.[SUPPRESS_REASON_ANNOTATION]).toBe(JSON.stringify({ IST0132: 'b' }));
    const none = withoutSuppression(one, 'IST0132');
    expect(none.metadata.annotations).toBeUndefined();
  });

  it('a free-text reason annotation is the reason of every code; unsuppressing `*` removes it', () => {
    const o = vs({ [SUPPRESS_ANNOTATION]: '*', [SUPPRESS_REASON_ANNOTATION]: 'legacy object, owned by team X' });
    expect(suppressionOf(o, 'IST0132')).toEqual({ by: '*', reason: 'legacy object, owned by team X' });
    expect(withoutSuppression(o, 'IST0132').metadata.annotations).toBeUndefined();
  });

  it('refuses what is not a code', () => {
    expect(() => withSuppression(vs(), 'ist0101; rm', 'x')).toThrow();
  });
});
