/**
 * `gatescope logs` against a real sandbox: a parsed multi-pod read (text and JSON with pod and
 * namespace), filters, and a follow that prints new requests until aborted.
 */
import { request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import { formatRecord, parseDuration, run, streamLogs, type LogsOptions } from './logs';

function get(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('gatescope logs', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  const base: LogsOptions = { selector: 'istio=ingressgateway', follow: false, output: 'json', filter: {}, proxyLines: true };

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset() });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    await until(async () => (await get(80 + sb.portOffset, '/', 'web.example.com')) === 200, 'a routed request', 30_000);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('reads every gateway pod, merged by time, one JSON object per line with pod and namespace', async () => {
    for (let i = 0; i < 6; i++) expect(await get(80 + sb.portOffset, `/?cli=${i}`, 'web.example.com')).toBe(200);
    expect(await get(80 + sb.portOffset, '/nothing-here', 'httpbin.example.com')).toBe(404);
    const out: string[] = [];
    await until(async () => {
      out.length = 0;
      await streamLogs(kc, base, (l) => out.push(l));
      return out.filter((l) => l.includes('cli=')).length === 6 && out.some((l) => l.includes('nothing-here'));
    }, 'the requests in the gateway logs', 10_000);
    const objs = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = objs.filter((o) => String(o['path']).includes('cli='));
    expect(mine).toHaveLength(6);
    expect(mine[0]).toMatchObject({ namespace: 'istio-system', method: 'GET', authority: 'web.example.com', responseCode: 200, routeName: 'split' });
    expect(String(mine[0]!['pod'])).toMatch(/^istio-ingressgateway-/);
    expect(String(mine[0]!['upstreamCluster'])).toMatch(/^outbound\|80\|v[12]\|web-service\.default\.svc\.cluster\.local$/);
    expect(mine.map((o) => o['path'])).toEqual([0, 1, 2, 3, 4, 5].map((i) => `/?cli=${i}`));
    // No proxy log lines in JSON.
    expect(objs.every((o) => o['kind'] === undefined || o['kind'] === 'invalid')).toBe(true);

    const filtered: string[] = [];
    await streamLogs(kc, { ...base, output: 'text', filter: { status: ['404'] } }, (l) => filtered.push(l));
    expect(filtered.length).toBeGreaterThanOrEqual(1);
    expect(filtered.every((l) => / 404 GET /.test(l) && / NR /.test(l))).toBe(true);
  });

  it('follows: prints requests sent after it started, until aborted', async () => {
    const controller = new AbortController();
    const out: string[] = [];
    const done = streamLogs(kc, { ...base, follow: true, tail: 0, output: 'text', filter: { q: 'follow=' }, signal: controller.signal, relistMs: 200 }, (l) => out.push(l));
    await until(async () => {
      await get(80 + sb.portOffset, `/?follow=${Date.now()}`, 'web.example.com');
      return out.length >= 3;
    }, 'followed lines', 15_000);
    controller.abort();
    expect(await done).toBe(0);
    expect(out[0]).toMatch(/^istio-ingressgateway-\S+ \S+ 200 GET web\.example\.com\/\?follow=\d+ - \d+ms outbound\|80\|v[12]\|web-service\.default\.svc\.cluster\.local split$/);
  });

  it('refuses bad options with exit code 2', async () => {
    expect(await run(['--output', 'yaml'])).toBe(2);
    expect(await run(['--filter', 'colour=red'])).toBe(2);
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      expect(await run(['--filter', 'path~=^/(v1'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/gatescope logs: invalid path regex '\^\/\(v1': .*missing closing \)/);
    expect(await run(['--since', 'yesterday'])).toBe(2);
    expect(parseDuration('5m')).toBe(300);
    expect(formatRecord({ seq: 1, pod: 'ns/p', kind: 'invalid', raw: 'garbage', error: 'not an access-log line' }, 'json')).toBe(
      '{"pod":"p","namespace":"ns","kind":"invalid","raw":"garbage","error":"not an access-log line"}',
    );
  });
});
