import { describe, expect, it } from 'vitest';
import { RESPONSE_FLAGS, describeFlags, formatFlags, responseFlag, splitFlags } from './response-flags';

describe('response flags', () => {
  it('lists every core Envoy flag once, with a long name and a one-sentence meaning', () => {
    const codes = RESPONSE_FLAGS.map((f) => f.code);
    expect(codes).toEqual([
      'LH', 'UH', 'UT', 'LR', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'UAEX', 'RLSE', 'DC',
      'URX', 'SI', 'IH', 'DPE', 'UMSDR', 'RFCF', 'NFCF', 'DT', 'UPE', 'NC', 'OM', 'DF', 'DO', 'DR', 'UDO',
    ]);
    expect(new Set(RESPONSE_FLAGS.map((f) => f.name)).size).toBe(RESPONSE_FLAGS.length);
    for (const f of RESPONSE_FLAGS) {
      expect(f.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(f.meaning).toMatch(/^[A-Z].*\.$/);
      expect(f.meaning.split('. ').length).toBe(1);
      expect(f.known).toBe(true);
    }
    expect(responseFlag('UH')).toMatchObject({ name: 'NoHealthyUpstream', responseCode: 503, scope: 'http-and-tcp' });
    expect(responseFlag('NR')).toMatchObject({ name: 'NoRouteFound', responseCode: 404 });
    expect(responseFlag('UpstreamRetryLimitExceeded')?.code).toBe('URX');
  });

  it('describeFlags', () => {
    expect(describeFlags('UH,URX').map((f) => [f.code, f.name])).toEqual([
      ['UH', 'NoHealthyUpstream'],
      ['URX', 'UpstreamRetryLimitExceeded'],
    ]);
    expect(describeFlags('NoRouteFound').map((f) => f.code)).toEqual(['NR']);
    expect(describeFlags('-')).toEqual([]);
    expect(describeFlags(undefined)).toEqual([]);
    expect(describeFlags('UF,XYZ')[1]).toMatchObject({ code: 'XYZ', known: false });
  });

  it('splitFlags and formatFlags follow Envoy’s printing', () => {
    expect(splitFlags('UF,URX')).toEqual(['UF', 'URX']);
    expect(splitFlags('')).toEqual([]);
    expect(formatFlags(['URX', 'UF'])).toBe('UF,URX');
    expect(formatFlags(['FI', 'DI', 'FI'])).toBe('DI,FI');
    expect(formatFlags(['NoHealthyUpstream'])).toBe('UH');
    expect(formatFlags([])).toBe('-');
  });
});
