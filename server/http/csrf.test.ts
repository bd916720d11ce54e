import { describe, expect, it } from 'vitest';
import { csrfViolation, rejectCrossSite } from './csrf';

const req = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/resources/virtualservices') =>
  new Request(url, { method: 'PUT', headers: { host: new URL(url).host, ...headers } });

describe('CSRF guard of state-changing routes', () => {
  it('requires the custom header', () => {
    expect(csrfViolation(req({}))).toMatch(/x-gatescope-csrf/);
    expect(csrfViolation(req({ 'x-gatescope-csrf': '0' }))).toMatch(/x-gatescope-csrf/);
    expect(csrfViolation(req({ 'x-gatescope-csrf': '1' }))).toBeUndefined();
  });

  it('accepts only our own origin when Origin is present', () => {
    const h = { 'x-gatescope-csrf': '1' };
    expect(csrfViolation(req({ ...h, origin: 'http://127.0.0.1:3000' }))).toBeUndefined();
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example:3000', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000', 'http://localhost:3000']) {
      expect(csrfViolation(req({ ...h, origin })), origin).toMatch(/Origin/);
    }
  });

  it('takes the origin from the Host header the browser used (localhost vs 127.0.0.1)', () => {
    const r = new Request('http://127.0.0.1:3000/api/x', { method: 'POST', headers: { host: 'localhost:3000', origin: 'http://localhost:3000', 'x-gatescope-csrf': '1' } });
    expect(csrfViolation(r)).toBeUndefined();
  });

  it('refuses Sec-Fetch-Site cross-site and same-site', () => {
    expect(csrfViolation(req({ 'x-gatescope-csrf': '1', 'sec-fetch-site': 'cross-site' }))).toMatch(/Sec-Fetch-Site/);
    expect(csrfViolation(req({ 'x-gatescope-csrf': '1', 'sec-fetch-site': 'same-site' }))).toMatch(/Sec-Fetch-Site/);
    expect(csrfViolation(req({ 'x-gatescope-csrf': '1', 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
  });

  it('answers 403 JSON', async () => {
    const res = rejectCrossSite(req({ origin: 'https://evil.example' }))!;
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ reason: 'CSRF', code: 403 });
    expect(rejectCrossSite(req({ 'x-gatescope-csrf': '1' }))).toBeUndefined();
  });
});
