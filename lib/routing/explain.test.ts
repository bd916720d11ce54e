import { describe, expect, it } from 'vitest';
import { explainMatch } from './explain';
import { requestView } from './request';

const view = (path: string, headers: Record<string, string> = {}) => requestView({ host: 'web.example.com', path, headers }, 'http');

describe('explainMatch', () => {
  it('warns when a prefix stops in the middle of a path segment', () => {
    expect(explainMatch({ uri: { prefix: '/v1' } }, view('/v10'))).toEqual([
      'uri prefix /v1 matches /v10: a prefix is compared character by character, not by path segment, so /v10 matches as well as /v1/…',
    ]);
    expect(explainMatch({ uri: { prefix: '/v1' } }, view('/v1/x'))).toEqual(['uri prefix /v1 matches /v1/x']);
    expect(explainMatch({ uri: { prefix: '/' } }, view('/x'))).toEqual(['uri prefix / matches every path']);
  });

  it('names every condition, and says when there are none', () => {
    expect(explainMatch({ uri: { exact: '/a' }, headers: { 'x-canary': { exact: 'true' } }, method: { exact: 'GET' } }, view('/a', { 'x-canary': 'true' }))).toEqual([
      'uri exact /a is the path',
      'method GET matches',
      "header x-canary: 'true' matches",
    ]);
    expect(explainMatch(undefined, view('/'))).toEqual(['the route has no match conditions: it takes every request']);
  });
});

describe('path normalisation (Envoy normalize_path)', () => {
  it('decodes escaped unreserved characters before matching, keeps other escapes', async () => {
    const { decodeUnreserved } = await import('./request');
    expect(decodeUnreserved('/%69tems/%7euser/%2f%2E')).toBe('/items/~user/%2F.');
    expect(view('/%69tems/1').path).toBe('/items/1');
    expect(view('/a/%2e%2e/v1').path).toBe('/v1');
    expect(view('/a%2Fb').path).toBe('/a%2Fb');
  });
});
