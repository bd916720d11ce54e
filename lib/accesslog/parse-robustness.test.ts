import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS, type AccessLogEntry, type CompiledTextFormat } from './format';
import { parseAccessLine, type AccessLogParseResult } from './parse';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const lines = (file: string) => readFileSync(fixtures + file, 'utf8').split('\n').filter((l) => l.length > 0);

function ok(r: AccessLogParseResult): AccessLogEntry {
  if (!r.ok) throw new Error(`expected a parse, got: ${r.reason}`);
  return r.entry;
}

describe('truncated lines and garbage', () => {
  const real = [
    ...lines('istio-text-1.9plus.istio-io.samples.txt'),
    ...lines('istio-text-1.9plus.istio-io.gateway.samples.txt'),
    ...lines('istio-text-1.3-to-1.8.istio-io.egressgateway.samples.txt'),
    ...lines('kiali-waypoint.kubectl-timestamps.log').slice(0, 3),
  ];

  it('a line cut anywhere before its last field is rejected with a reason, never thrown', () => {
    let rejected = 0;
    for (const line of real) {
      const lastSpace = line.lastIndexOf(' ');
      for (let cut = 1; cut < lastSpace; cut++) {
        const r = parseAccessLine(line.slice(0, cut));
        expect(r.ok, `${JSON.stringify(line.slice(0, cut))}`).toBe(false);
        if (!r.ok) {
          expect(r.reason.length).toBeGreaterThan(10);
          expect(r.raw).toBe(line.slice(0, cut));
        }
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(2500);
  });

  it('says "truncated" for a line that stops mid-way', () => {
    const [line] = lines('istio-text-1.9plus.istio-io.samples.txt') as [string];
    const r = parseAccessLine(line.slice(0, line.indexOf('"curl')));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/truncated\?/);
  });

  it.each([
    [''],
    ['\n'],
    [' '],
    ['-'],
    ['hello world'],
    ['['],
    ['[]'],
    ['{'],
    ['{}'],
    ['[1,2,3]'],
    ['{"response_code": "abc"}'],
    ['{"foo": 1}'],
    ['null'],
    ['""""""""""""""""'],
    ['[2020-11-25T21:26:18.409Z] "GET'],
    ['2025-01-30T12:10:13.682034460Z '],
    ['2025-01-30T12:10:13.682034460Z garbage'],
    ['\u0000\u0001\u0002 binary'],
    ['[x] "a b c" 1 2 3 4 "5" 6 7 8 9 "10" "11" "12" "13" "14" 15 16 17 18 19'],
  ])('rejects %j with a reason', (line) => {
    const r = parseAccessLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(typeof r.reason).toBe('string');
      expect(r.reason.length).toBeGreaterThan(5);
    }
  });

  it('never throws, even on huge or non-string input', () => {
    expect(parseAccessLine('"'.repeat(100_000)).ok).toBe(false);
    expect(parseAccessLine(`[t] "${'" "'.repeat(2000)}`).ok).toBe(false);
    expect(parseAccessLine(undefined as unknown as string).ok).toBe(false);
    expect(parseAccessLine(42 as unknown as string).ok).toBe(false);
  });
});

describe('quoted values with spaces and quotes (Envoy does not escape TEXT values)', () => {
  const base =
    '[2024-05-01T10:00:00.000Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 12 3 2 "XFF" "UA" "rid-1" "web.example.com" "10.0.0.5:80" outbound|80|v1|web-service.default.svc.cluster.local 10.0.0.9:4000 10.0.0.9:8080 192.168.1.7:55000 - web-service.default.0';

  it.each([
    ['XFF', '203.0.113.7, 10.0.0.1', 'xForwardedFor'],
    ['UA', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'userAgent'],
    ['UA', 'say "hello" to me', 'userAgent'],
    ['UA', 'ends with a quote"', 'userAgent'],
    ['UA', '"starts with a quote', 'userAgent'],
    ['UA', 'a" b "c', 'userAgent'],
    ['UA', 'escaped \\"quotes\\" stay as printed', 'userAgent'],
    ['rid-1', 'id with space', 'requestId'],
    ['/v1', '/a b/c d', 'path'],
    ['/v1', '/a" b', 'path'],
  ])('%s → %j', (from, to, field) => {
    const line = base.replace(from === '/v1' ? 'GET /v1' : `"${from}"`, from === '/v1' ? `GET ${to}` : `"${to}"`);
    const e = ok(parseAccessLine(line));
    expect(e[field as keyof AccessLogEntry]).toBe(to);
    expect(e.authority).toBe('web.example.com');
    expect(e.upstreamCluster).toBe('outbound|80|v1|web-service.default.svc.cluster.local');
    expect(e.routeName).toBe('web-service.default.0');
  });

  it('a value holding the separator itself is ambiguous: the parse is one consistent split', () => {
    // Envoy prints `"a " " b"` for a user agent `a " " b`: a request id ` b" "rid-1` splits the
    // line just as well. The parser returns a split that renders back to the same line.
    const line = base.replace('"UA"', '"a " " b"');
    const e = ok(parseAccessLine(line));
    expect(e.authority).toBe('web.example.com');
    expect(e.upstreamHost).toBe('10.0.0.5:80');
    expect(`"${e.userAgent}" "${e.requestId}"`).toBe('"a " " b" "rid-1"');
  });

  it('route names may hold spaces (last field)', () => {
    expect(ok(parseAccessLine(base.replace('web-service.default.0', 'my route name'))).routeName).toBe('my route name');
  });

  it('the fast scanner and the generic matcher agree', () => {
    const generic: CompiledTextFormat = { ...FORMATS.istioCurrent, layout: undefined };
    for (const ua of ['a', 'a b', 'a "b" c', 'a" "b', 'x" "y" "z', '"', '" "', 'q" ']) {
      const line = base.replace('"UA"', `"${ua}"`);
      expect(parseAccessLine(line, generic), ua).toEqual(parseAccessLine(line, FORMATS.istioCurrent));
    }
  });
});

