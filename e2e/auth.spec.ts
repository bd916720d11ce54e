/**
 * `--auth token` end to end. The shared webServer runs without auth, so this spec starts its own
 * console (with its own sandbox) on the next port: port + 1 and data-plane offset + 500 (3108 and
 * 10500 by default, reserved for it; GATESCOPE_E2E_AUTH_PORT overrides the port), building into its
 * own Next folder so it never rebuilds under the shared server's feet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'yaml';
import { DATA_PLANE_PORTS, findFreePortOffset } from '../server/sandbox/start';

const BASE_PORT = Number(process.env.GATESCOPE_E2E_PORT ?? 3107);
const PORT = Number(process.env.GATESCOPE_E2E_AUTH_PORT ?? BASE_PORT + 1);
const OFFSET = Number(process.env.GATESCOPE_E2E_PORT_OFFSET ?? 10000) + 500;
let offset = OFFSET;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const KUBECONFIG = `.gatescope/e2e-auth-${PORT}.kubeconfig`;
const VIEWER_TOKEN = 'e2e-viewer-token-0123456789abcdef';
const SCREENSHOT = process.env.GATESCOPE_SIGNIN_SCREENSHOT ?? '/tmp/gatescope-signin.png';

let child: ChildProcess | undefined;
let dir: string;
let adminToken: string;
const output: string[] = [];

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: URL_BASE });

async function waitHealthy(deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  let exited: number | null = null;
  child!.once('exit', (code) => (exited = code ?? -1));
  for (let i = 0; Date.now() < end && i < 10_000; i++) {
    if (exited !== null) throw new Error(`the --auth console exited (${exited}):\n${output.join('').slice(-3000)}`);
    const ok = await fetch(`${URL_BASE}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise<void>((r) => setTimeout(r, 500)); // poll interval of a bounded wait on a condition
  }
  throw new Error(`the --auth console did not become healthy:\n${output.join('').slice(-3000)}`);
}

test.beforeAll(async () => {
  test.setTimeout(420_000);
  const taken = await fetch(`${URL_BASE}/api/health`).then(() => true, () => false);
  if (taken) throw new Error(`port ${PORT} is already serving something: set GATESCOPE_E2E_AUTH_PORT to a free port`);
  dir = mkdtempSync(join(tmpdir(), 'gatescope-e2e-auth-'));
  const users = join(dir, 'users.yaml');
  writeFileSync(users, `users:\n- token: ${VIEWER_TOKEN}\n  user: viewer\n  rules:\n  - { verbs: [get, list, watch], apiGroups: ['*'], resources: ['*'] }\n`);
  mkdirSync('.gatescope', { recursive: true });
  // The data-plane ports land in the ephemeral range, where another process's connection may hold
  // one: take an offset in [OFFSET, OFFSET + 450] whose ports are all free now.
  offset = await findFreePortOffset(DATA_PLANE_PORTS, { min: OFFSET, max: OFFSET + 450, step: 50 });
  child = spawn(
    process.execPath,
    ['bin/gatescope.mjs', 'start', '--port', String(PORT), '--port-offset', String(offset), '--traffic', '0', '--auth', 'token', '--sandbox-users', users, '--sandbox-kubeconfig-out', KUBECONFIG],
    { env: { ...process.env, GATESCOPE_DIST_DIR: process.env.GATESCOPE_DIST_DIR ?? '.next', GATESCOPE_SESSION_KEY: 'e2e-session-key-0123456789abcdef-0123456789' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  await waitHealthy(400_000);
  adminToken = (parse(readFileSync(KUBECONFIG, 'utf8')) as { users: Array<{ user: { token: string } }> }).users[0]!.user.token;
});

test.afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a visitor is sent to the sign-in page; a wrong token is refused; the page runs under a strict CSP', async ({ page }) => {
  const violations = cspViolations(page);
  const res = await page.goto('/virtualservices');
  expect(page.url()).toBe(`${URL_BASE}/signin?next=%2Fvirtualservices`);
  const csp = res!.headers()['content-security-policy']!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  await expect(page.getByRole('heading', { name: 'Sign in to gatescope' })).toBeVisible();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await signIn(page, 'not-a-valid-token-000');
  await expect(page.getByTestId('signin-error')).toContainText('did not accept this token');
  expect(page.url()).toContain('/signin');
  expect(violations).toEqual([]);
});

test('signing in lands where the user was going, with an HttpOnly SameSite=Strict cookie and a live console', async ({ page, context }) => {
  const violations = cspViolations(page);
  await page.goto('/signin?next=%2Fvirtualservices');
  await signIn(page, adminToken);
  await page.waitForURL(`${URL_BASE}/virtualservices`);
  await expect(page.getByTestId('context')).toContainText('gatescope-sandbox');
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  await expect(page.locator('[data-testid="resource-row"][data-name="web-service"]')).toBeVisible();
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-signed-in.png') });
  const cookie = (await context.cookies()).find((c) => c.name === 'gatescope-session')!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(cookie.value).not.toContain(adminToken);
  expect(page.url()).not.toContain(adminToken);
  // The stream works through the CSP (connect-src 'self'): the overview graph fills from it.
  await page.goto('/');
  await expect(page.getByTestId('topology-summary')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('.react-flow__node').first()).toBeVisible({ timeout: 20_000 });
  expect(violations).toEqual([]);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('a user RBAC allows only to read sees the editor read-only', async ({ page }) => {
  await page.goto('/signin?next=%2Fvirtualservices%2Fdefault%2Fweb-service');
  await signIn(page, VIEWER_TOKEN);
  await page.waitForURL(`${URL_BASE}/virtualservices/default/web-service`);
  await expect(page.getByTestId('signed-in-user')).toContainText('viewer');
  await expect(page.getByTestId('read-only-banner')).toBeVisible();
  await expect(page.getByTestId('read-only-banner')).toContainText('SelfSubjectAccessReview');
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-read-only.png') });
});
