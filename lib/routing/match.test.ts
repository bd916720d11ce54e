import { describe, expect, it } from 'vitest';
import { describeMatch, evaluateMatch, isCatchAllMatch, stringMatches } from './match';
import { removeDotSegments, requestView } from './request';

const view = (path: string, headers: Record<string, string | string[]> = {}, method = 'GET') => requestView({ host: 'web.example.com', path, headers, method }, 'http');

describe('StringMatch (Envoy StringMatcher)', () => {
  it('matches exact, prefix and RE2 regex (whole value)', () => {
    expect(stringMatches({ exact: '/a' }, '/a')).toBe(true);
    expect(stringMatches({ prefix: '/v1' }, '/v10')).toBe(true);
    expect(stringMatches({ regex: '/v[0-9]+' }, '/v10')).toBe(true);
    expect(stringMatches({ regex: '/v[0-9]+' }, '/v10/x')).toBe(false);
    expect(stringMatches({ regex: '(?i)/ABC' }, '/abc')).toBe(true);
    // RE2 has no backreferences: the pattern is invalid and never matches
    expect(stringMatches({ regex: '(a)\\1' }, 'aa')).toBe(false);
    expect(stringMatches({ prefix: '/CASE' }, '/case/x', true)).toBe(true);
  });
});

describe('evaluateMatch', () => {
  it('checks the path without the query, normalised', () => {
    expect(evaluateMatch({ uri: { exact: '/a/b' } }, view('/a/./x/../b?q=1')).matched).toBe(true);
    expect(removeDotSegments('/a/b/../../../c')).toBe('/c');
  });

  it('treats {} and regex "*" as presence for headers and query parameters', () => {
    expect(evaluateMatch({ headers: { 'x-user': {} } }, view('/', { 'x-user': '' })).matched).toBe(true);
    expect(evaluateMatch({ headers: { 'x-user': { regex: '*' } } }, view('/')).reasons).toEqual(['header x-user: expected to be present, request has none']);
    expect(evaluateMatch({ queryParams: { debug: {} } }, view('/?debug')).matched).toBe(true);
  });

  it('joins repeated header values with a comma', () => {
    expect(evaluateMatch({ headers: { 'x-a': { exact: '1,2' } } }, view('/', { 'X-A': ['1', '2'] })).matched).toBe(true);
  });

  it('reads a missing header as empty for withoutHeaders', () => {
    expect(evaluateMatch({ withoutHeaders: { 'x-a': { exact: 'yes' } } }, view('/')).matched).toBe(true);
    expect(evaluateMatch({ withoutHeaders: { 'x-a': { prefix: '' } } }, view('/')).reasons).toEqual([
      "withoutHeaders x-a: a missing header counts as empty, and '' matches prefix ''",
    ]);
    expect(evaluateMatch({ withoutHeaders: { 'x-a': {} } }, view('/', { 'x-a': 'v' })).reasons).toEqual(["withoutHeaders x-a: the request has header x-a ('v')"]);
  });

  it('lists every failing condition', () => {
    const r = evaluateMatch({ uri: { prefix: '/api' }, method: { exact: 'POST' }, headers: { 'x-canary': { exact: 'true' } } }, view('/status/418'));
    expect(r.reasons).toEqual(['uri prefix /api does not match /status/418', "method: expected exact 'POST', request is GET", "header x-canary: expected exact 'true', request has none"]);
  });

  it('does not evaluate JWT claims', () => {
    expect(evaluateMatch({ headers: { '@request.auth.claims.group': { exact: 'admin' } } }, view('/')).matched).toBe(false);
  });
});

describe('catch-all routes (route.IsCatchAllRoute)', () => {
  it.each([
    [undefined, true],
    [{}, true],
    [{ uri: { prefix: '/' } }, true],
    [{ uri: { regex: '.*' } }, true],
    [{ uri: { prefix: '/' }, ignoreUriCase: true }, true],
    [{ uri: { exact: '/' } }, false],
    [{ uri: { prefix: '/v1' } }, false],
    [{ uri: { prefix: '/' }, method: { exact: 'GET' } }, false],
    [{ headers: { a: { exact: 'b' } } }, false],
    [{ queryParams: { a: { exact: 'b' } } }, false],
  ])('%j → %s', (m, want) => {
    expect(isCatchAllMatch(m)).toBe(want);
  });

  it('describes a match for labels', () => {
    expect(describeMatch({ uri: { prefix: '/v1' }, headers: { 'x-canary': { exact: 'true' } } })).toBe("uri prefix /v1, header x-canary exact 'true'");
    expect(describeMatch(undefined)).toBe('every request');
  });
});
