/**
 * Test support: run the real kubectl against a sandbox, and wait on conditions (no fixed sleeps).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`kubectl not found at ${KUBECTL}: kubectl tests are skipped (set KUBECTL to its path)`);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfig: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, ...args],
      { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Polls `fn` until it returns a truthy value (or resolves to one); fails after `ms`. */
export async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
