/**
 * Multi-cluster: a console on a kubeconfig with two contexts — the e2e sandbox (ingress-basics)
 * and the troubleshooting console's sandbox, both already running for this run's web servers —
 * started by this spec (a free port, the same Next build). Picking the second context in the
 * header moves every screen to it: the overview draws its gateways, /sync lists its proxies,
 * /validation its findings, and its name stays in the header on every screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { expect, test, type Page } from '@playwright/test';
import { E2E_KUBECONFIG, TROUBLESHOOTING_KUBECONFIG } from '../playwright.config';
import { kubeJson } from '../server/kube/transport';

const FIRST = 'e2e-basics';
const SECOND = 'e2e-troubleshooting';
const SCREENS = ['/', '/gateways', '/virtualservices', '/destinationrules', '/validation', '/simulate', '/hosts', '/history', '/logs', '/traffic', '/sync'];

let child: ChildProcess | undefined;
let url = '';

function load(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(readFileSync(file, 'utf8'));
  return kc;
}

/** Both sandboxes' kubeconfigs as one, their entries renamed so they do not clash. */
function mergedKubeconfig(): string {
  const parts = [
    [FIRST, load(E2E_KUBECONFIG)],
    [SECOND, load(TROUBLESHOOTING_KUBECONFIG)],
  ] as const;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: parts.map(([n, k]) => ({ ...k.getCurrentCluster()!, name: n })),
    users: parts.map(([n, k]) => ({ ...k.getCurrentUser()!, name: n })),
    contexts: parts.map(([n]) => ({ name: n, cluster: n, user: n })),
    currentContext: FIRST,
  });
  const file = E2E_KUBECONFIG.replace(/\.kubeconfig$/, '-contexts.kubeconfig');
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

async function gatewayPods(kubeconfig: string): Promise<string[]> {
  const { body } = await kubeJson<{ items: Array<{ metadata: { name: string } }> }>(load(kubeconfig), { method: 'GET', path: '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Dingressgateway' });
  return body.items.map((p) => `${p.metadata.name}.istio-system`).sort();
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const kubeconfig = mergedKubeconfig();
  child = spawn(process.execPath, ['bin/gatescope.mjs', 'start', '--kubeconfig', kubeconfig, '--port', '0'], {
    // The web servers' build, as they serve it: never rebuilt from under them (server/build.ts).
    env: { ...process.env, GATESCOPE_REUSE_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the two-context console did not start in 200 s:\n${output}`)), 200_000);
    const onData = (d: Buffer) => {
      output = (output + String(d)).slice(-20_000);
      const m = /console ready at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', (d: Buffer) => (output = (output + String(d)).slice(-20_000)));
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the two-context console exited (${code}):\n${output}`));
    });
  });
});

test.afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

const node = (page: Page, id: string) => page.locator(`[data-testid=topology-node][data-node-id="${id}"]`);
const picker = (page: Page) => page.getByTestId('context-picker');

/** Picks a context in the header and waits for the page to reload against it. */
async function pick(page: Page, name: string): Promise<void> {
  const reloaded = page.waitForEvent('load');
  await picker(page).selectOption(name);
  await reloaded;
  await expect(picker(page)).toHaveValue(name, { timeout: 30_000 });
}

test('picking the second context moves the overview, /sync and /validation to its cluster', async ({ page }) => {
  test.setTimeout(240_000);
  const [firstPods, secondPods] = [await gatewayPods(E2E_KUBECONFIG), await gatewayPods(TROUBLESHOOTING_KUBECONFIG)];

  // The console's own context: ingress-basics (one httpbin-gateway, in default).
  await page.goto(`${url}/`);
  await expect(picker(page)).toHaveValue(FIRST);
  await expect(node(page, 'gatewayServer:default/httpbin-gateway#0')).toBeVisible({ timeout: 30_000 });
  await expect(node(page, 'gatewayServer:istio-system/httpbin-gateway#0')).toHaveCount(0);

  // Pick the troubleshooting cluster: the page reloads against it.
  await pick(page, SECOND);
  await expect(node(page, 'gatewayServer:istio-system/httpbin-gateway#0')).toBeVisible({ timeout: 30_000 });
  await expect(node(page, 'virtualService:default/shop')).toBeVisible();
  await page.screenshot({ path: '/tmp/contexts-overview-second.png', fullPage: true });

  // /sync: the second cluster's istiod and proxies.
  await page.goto(`${url}/sync`);
  await expect(picker(page)).toHaveValue(SECOND);
  const rows = page.locator('[data-testid="proxy-row"][data-proxy^="istio-ingressgateway-"]');
  await expect.poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-proxy')))).sort(), { timeout: 30_000 }).toEqual(secondPods);
  expect(secondPods.some((p) => firstPods.includes(p))).toBe(false);
  await page.screenshot({ path: '/tmp/contexts-sync-second.png', fullPage: true });

  // /validation: the second cluster's planted mistakes.
  await page.goto(`${url}/validation`);
  await expect(page.locator('[data-testid=finding][data-code=IST0101]').first()).toBeVisible({ timeout: 30_000 });

  // Back to the console's own context: its cluster again.
  await page.goto(`${url}/`);
  await pick(page, FIRST);
  await expect(node(page, 'gatewayServer:default/httpbin-gateway#0')).toBeVisible({ timeout: 30_000 });
  await expect(node(page, 'gatewayServer:istio-system/httpbin-gateway#0')).toHaveCount(0);
});

test('every screen names the picked context and serves it', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`${url}/`);
  await pick(page, SECOND);
  for (const screen of SCREENS) {
    await page.goto(`${url}${screen}`);
    await expect(picker(page), screen).toHaveValue(SECOND);
    await expect(page.getByText(/ContextNotServed|serves the console's own context/), screen).toHaveCount(0);
  }
});
