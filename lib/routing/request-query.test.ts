import { describe, expect, it } from 'vitest';
import { headersFromArgs, parseHeaderArg, simRequestFromQuery, simRequestToQuery } from './request-query';

describe('request query strings and header arguments', () => {
  it('parses k=v and k: v, lower-cases names, joins repeated headers', () => {
    expect(parseHeaderArg('X-Canary=true')).toEqual(['x-canary', 'true']);
    expect(parseHeaderArg('x-canary: a=b')).toEqual(['x-canary', 'a=b']);
    expect(parseHeaderArg('novalue')).toBeUndefined();
    expect(parseHeaderArg('=x')).toBeUndefined();
    expect(headersFromArgs(['a=1', 'A: 2', 'bad'])).toEqual({ a: '1,2' });
  });

  it('round-trips a request through the URL, leaving defaults out', () => {
    const req = { method: 'POST', host: 'web.example.com', port: 30000, path: '/v1?x=1&y=2', protocol: 'HTTPS' as const, headers: { 'x-canary': 'true' } };
    const q = simRequestToQuery(req);
    expect(q).toBe('method=POST&host=web.example.com&port=30000&path=%2Fv1%3Fx%3D1%26y%3D2&protocol=HTTPS&h=x-canary%3Atrue');
    expect(simRequestFromQuery(new URLSearchParams(q))).toEqual(req);
    expect(simRequestToQuery({ host: 'a', path: '/' })).toBe('host=a&path=%2F');
    expect(simRequestFromQuery(new URLSearchParams('host=a&port=99999&protocol=gopher'))).toEqual({ host: 'a' });
  });
});

describe('simRequestFromAccessLog', () => {
  it('turns an access-log entry into a request on the pod port it arrived on', async () => {
    const { simRequestFromAccessLog } = await import('./request-query');
    expect(simRequestFromAccessLog({ method: 'GET', authority: 'web.example.com', path: '/v1', downstreamLocalAddress: '127.1.0.2:8080' })).toEqual({
      method: 'GET',
      host: 'web.example.com',
      path: '/v1',
      port: 8080,
    });
    expect(simRequestFromAccessLog({ method: 'GET', authority: 'web.example.com', path: '/', downstreamLocalAddress: '127.1.0.2:8443', requestedServerName: 'web.example.com' })).toMatchObject({
      protocol: 'HTTPS',
      sni: 'web.example.com',
      port: 8443,
    });
    expect(simRequestFromAccessLog({ downstreamLocalAddress: '127.1.0.2:3306' })).toBeUndefined();
  });
});
