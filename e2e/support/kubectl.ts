/**
 * kubectl beside the console: the e2e sandbox writes its kubeconfig to E2E_KUBECONFIG
 * (`gatescope start --sandbox-kubeconfig-out`), so a spec can change the cluster the way a user's
 * terminal would, and flip the sandbox's fault switches.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { E2E_KUBECONFIG } from '../../playwright.config';

const run = promisify(execFile);
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);

export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, ['--kubeconfig', E2E_KUBECONFIG, ...args], { timeout: 30_000 });
  return stdout;
}

/** `kubectl create -f` of one object (e.g. one a spec deleted and now puts back). */
export async function kubectlCreate(obj: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-kubectl-'));
  try {
    writeFileSync(join(dir, 'obj.json'), JSON.stringify(obj));
    return await kubectl('create', '-f', join(dir, 'obj.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { token: string } }>;
}

/** Stops the sandbox's API server for `seconds` (POST /sandbox/v1/outage, see server/sandbox/faults.md). */
export async function apiServerOutage(seconds: number): Promise<void> {
  const kc = parse(readFileSync(E2E_KUBECONFIG, 'utf8')) as Kubeconfig;
  const { server, 'certificate-authority-data': ca } = kc.clusters[0]!.cluster;
  const url = new URL(`/sandbox/v1/outage?seconds=${seconds}`, server);
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: Buffer.from(ca, 'base64'), headers: { authorization: `Bearer ${kc.users[0]!.user.token}` } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`outage: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
