import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/start';
import { run } from './analyze';

const CASES = join(import.meta.dirname, '../../lib/analysis/fixtures/analyzer-cases');
const SCENARIOS = join(import.meta.dirname, '../sandbox/scenarios');

async function analyzeCli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  const err = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    const code = await run(args);
    return { code, out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('gatescope analyze -f (files alone)', () => {
  const cases = readdirSync(CASES).filter((d) => !d.startsWith('_') && !d.includes('.'));
  it.each(cases)('reports the expected codes for the istioctl case %s', async (name) => {
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8')) as {
      inputFiles: string[];
      expected: Array<{ code: string; origin: string }>;
    };
    const files = [...expected.inputFiles.map((f) => join(CASES, name, f)), join(CASES, '_implicit-default-resources.yaml')];
    const { code, out } = await analyzeCli([...files.flatMap((f) => ['-f', f]), '-o', 'json']);
    const got = JSON.parse(out) as Array<{ code: string; origin: string; level: string; documentationUrl: string }>;
    // The CLI runs every analyzer, so it may say more than the single analyzer of the case; it
    // must say at least what istioctl's analyzer expects.
    for (const e of expected.expected) expect(got).toContainEqual(expect.objectContaining({ code: e.code, origin: e.origin }));
    expect(code).toBe(got.some((f) => f.level === 'Error') ? 1 : 0);
    for (const f of got) expect(f.documentationUrl).toMatch(/^https:\/\/istio\.io\//);
  });

  it('finds nothing in the default scenario and exits 0', async () => {
    const { code, out } = await analyzeCli(['-f', join(SCENARIOS, 'ingress-basics')]);
    expect(out).toContain('No validation issues');
    expect(code).toBe(0);
  });

  it('names every planted mistake of the troubleshooting scenario and exits 1', async () => {
    const { code, out } = await analyzeCli(['-f', join(SCENARIOS, 'troubleshooting')]);
    expect(code).toBe(1);
    expect(out).toMatch(/Error \[IST0101\] \(VirtualService default\/shop\) Referenced gateway not found/);
    // The empty subset (catalog v2) is not listed: Istio's SubsetSelectPodAnalyzer matches pods by
    // the subset's labels alone, and httpd-v2's pods carry version=v2. The topology flags it.
    expect(out).toMatch(/\[IST0101\] \(VirtualService default\/httpbin-admin\) Referenced host:port not found/);
    expect(out).toMatch(/\[IST0145\]/);
    expect(out).toMatch(/Referenced credentialName not found/);
    expect(out).toMatch(/\[GSC0004\] \(Ingress default\/web-legacy\)/);
  });

  it('honours galley.istio.io/analyze-suppress on an object, as istioctl does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatescope-suppress-'));
    try {
      const file = join(dir, 'vs.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: networking.istio.io/v1',
          'kind: VirtualService',
          'metadata:',
          '  name: shop',
          '  namespace: default',
          '  annotations:',
          '    galley.istio.io/analyze-suppress: IST0101,IST0132',
          '    gatescope.dev/suppress-reason: \'{"IST0101":"created by the release pipeline"}\'',
          'spec:',
          '  hosts: [shop.example.com]',
          '  gateways: [istio-system/shop-gateway]',
        ].join('\n'),
      );
      const { code, out } = await analyzeCli(['-f', file]);
      expect(out).toContain('No validation issues');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with a file it cannot read, with exit code 2', async () => {
    const { code, out } = await analyzeCli(['-f', '/nonexistent/gatescope.yaml']);
    expect(code).toBe(2);
    expect(out).toContain('no such file');
  });
});

describe('gatescope analyze --kubeconfig (a live cluster)', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, dataPlane: false });
  });
  afterAll(async () => sb?.close());

  it('analyzes the sandbox cluster clean and exits 0', async () => {
    const { code, out } = await analyzeCli(['--kubeconfig', sb.kubeconfigPath]);
    expect(out).toContain('No validation issues');
    expect(code).toBe(0);
  });
});
