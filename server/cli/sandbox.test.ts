import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePortOffset } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatescope.mjs');

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exit };
}

describe('gatescope sandbox', () => {
  it('starts, prints the API URL and the kubeconfig, and exits 0 on SIGTERM', async () => {
    const offset = await findFreePortOffset(undefined, { min: 20000, max: 30000 });
    const p = run(['--api-port', '0', '--port-offset', String(offset), '--traffic', '0']);
    try {
      await until(() => p.out.stdout.includes('export KUBECONFIG='), 'the kubeconfig line', 60_000);
      const url = /API server at (https:\/\/127\.0\.0\.1:\d+)/.exec(p.out.stdout)?.[1];
      expect(url).toBeDefined();
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(p.out.stdout)![1]!;
      expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${url}`);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
      expect(existsSync(kubeconfig)).toBe(false);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('--help prints the options and exits 0; a bad option exits 2', async () => {
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.out.stdout).toContain('--kubeconfig-out FILE');
    const bad = run(['--api-port', 'eighty']);
    expect(await bad.exit).toBe(2);
    expect(bad.out.stderr).toContain('--api-port must be an integer');
  });
});
