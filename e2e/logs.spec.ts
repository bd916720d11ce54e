/**
 * The Logs page against the sandbox: the generator's traffic appears live, requests sent through
 * the gateway's LoadBalancer show up once each with their parsed fields, filters narrow the rows
 * (the 404 filter shows only 404s), and pause holds new lines (counted) until resume.
 */
import { expect, test } from '@playwright/test';
import { lbBurst, lbGet } from './support/gateway-traffic';
import { hasKubectl, kubectl } from './support/kubectl';
import { request as httpRequest } from 'node:http';

const token = () => `e2e${Date.now().toString(36)}`;

test.beforeEach(async ({ page }) => {
  await page.goto('/logs');
  await expect(page.getByTestId('follower')).toHaveCount(2, { timeout: 20_000 });
  await expect(page.getByTestId('follower').first()).toHaveAttribute('data-state', 'following');
});

test('the generator traffic and our own requests appear live, parsed, once each', async ({ page }) => {
  // The generator (--traffic 5) alone fills the table within seconds.
  await expect(page.getByTestId('log-row').first()).toBeVisible({ timeout: 10_000 });

  const t = token();
  await page.getByLabel('Authority or path contains').fill(t);
  await expect(page.getByTestId('log-row')).toHaveCount(0);
  const codes = await lbBurst(8, (i) => `/?probe=${t}-${i}`, 'web.example.com');
  expect(codes.every((c) => c === 200)).toBe(true);
  await expect(page.getByTestId('log-row')).toHaveCount(8, { timeout: 5_000 });
  const row = page.getByTestId('log-row').first();
  await expect(row).toHaveAttribute('data-status', '200');
  await expect(row).toContainText('web.example.com');
  await expect(row).toContainText('web-service.default');
  await expect(row).toContainText('default/web-service:http[2]');
  await row.click();
  await expect(page.getByTestId('record-detail')).toContainText('routeName');
  await expect(page.getByTestId('record-detail')).toContainText('split');
  await expect(page.getByTestId('record-detail')).toContainText('VirtualService default/web-service');
  await page.screenshot({ path: '/tmp/gatescope-logs.png' });
  // The line asks the simulator which route should have served it: the same one.
  await page.getByTestId('simulate-line').click();
  await expect(page).toHaveURL(/\/simulate\?.*host=web\.example\.com/);
  await expect(page.getByTestId('sim-result')).toHaveAttribute('data-route', 'split', { timeout: 20_000 });
});

test('the 404 filter shows only 404s, the 5xx class only 5xx, and flags filter by response flag', async ({ page }) => {
  const t = token();
  // httpbin's route takes only /status and /delay: other paths are 404 NR at the gateway.
  await lbBurst(4, (i) => `/nothing-${t}-${i}`, 'httpbin.example.com');
  await lbBurst(3, (i) => `/status/503?${t}-${i}`, 'httpbin.example.com');
  await lbBurst(3, (i) => `/?probe=${t}-${i}`, 'web.example.com');

  await page.getByLabel('Authority or path contains').fill(t);
  await expect(page.getByTestId('log-row')).toHaveCount(10, { timeout: 5_000 });
  await page.getByLabel('Exact status code').fill('404');
  await expect(page.getByTestId('log-row')).toHaveCount(4);
  for (const s of await page.getByTestId('log-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))) expect(s).toBe('404');
  await expect(page.getByTestId('log-row').first()).toContainText('NR');

  await page.getByLabel('Exact status code').fill('');
  await page.getByTestId('status-5xx').click();
  await expect(page.getByTestId('log-row')).toHaveCount(3);
  await page.getByTestId('status-5xx').click();
  await page.getByLabel('Response flags').fill('NR');
  await expect(page.getByTestId('log-row')).toHaveCount(4);

  // The URL follows the filters and the proxy-lines switch: a reload (or a shared link) shows the same lines.
  await page.getByLabel('proxy log lines').check();
  await expect(page).toHaveURL(/[?&]flags=NR(&|$)/);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${t}(&|$)`));
  await expect(page).toHaveURL(/[?&]proxy=1(&|$)/);
  await page.reload();
  await expect(page.getByLabel('proxy log lines')).toBeChecked();
  await expect(page.getByLabel('Response flags')).toHaveValue('NR');
  await expect(page.getByLabel('Authority or path contains')).toHaveValue(t);
  await expect(page.getByTestId('log-row')).toHaveCount(4, { timeout: 10_000 });

  // Filters also come from the URL (the Traffic page links here by route).
  await page.goto(`/logs?route=${encodeURIComponent('route:default/web-service:http[2]')}&q=${t}`);
  await expect(page.getByTestId('log-row')).toHaveCount(3, { timeout: 10_000 });
});

test('pause holds new lines and counts them; resume shows them', async ({ page }) => {
  const t = token();
  await page.getByLabel('Authority or path contains').fill(t);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('pause')).toHaveText(/Resume \(\d+ held\)/);
  await lbBurst(5, (i) => `/?probe=${t}-${i}`, 'web.example.com');
  await expect.poll(async () => Number(/\((\d+) held\)/.exec((await page.getByTestId('pause').textContent()) ?? '')?.[1] ?? 0), { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('log-row')).toHaveCount(0);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('pause')).toHaveText('Pause');
  await expect(page.getByTestId('log-row')).toHaveCount(5);
});

test('a gateway answer reaches the page within 2 s of the request', async ({ page }) => {
  const t = token();
  await page.getByLabel('Authority or path contains').fill(t);
  const start = Date.now();
  expect(await lbGet(`/?probe=${t}`, 'web.example.com')).toBe(200);
  await expect(page.getByTestId('log-row')).toHaveCount(1, { timeout: 2_000 });
  expect(Date.now() - start).toBeLessThan(2_500);
});

/** A GET straight to a gateway pod's HTTP port (pod IPs are on loopback in the sandbox). */
function podGet(ip: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: ip, port: 8080, path, headers: { host: 'web.example.com' }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

test('a cut follow stream resumes with the gap counted and no line twice; a replaced pod is followed without a reload', async ({ page, request }) => {
  test.skip(!hasKubectl, 'kubectl is not installed');
  const names = async () => (await page.getByTestId('follower').allTextContents()).map((t) => t.split(' · ')[0]!);
  const [first, second] = await names();
  const t = token();
  await page.getByLabel('Authority or path contains').fill(t);

  // The sandbox's fault switch ends every open pods/log follow of the pod once.
  await kubectl('annotate', 'pod', '-n', 'istio-system', first!, `fault.sandbox.gatescope.io/cut-log-follows=${t}`, '--overwrite');
  await lbBurst(10, (i) => `/?probe=${t}-${i}`, 'web.example.com');
  await expect(page.getByTestId('gaps')).toContainText('resumed with sinceTime', { timeout: 10_000 });
  await expect(page.locator(`[data-testid="follower"]`).filter({ hasText: first! })).toContainText('gap');
  await expect(page.getByTestId('log-row')).toHaveCount(10, { timeout: 5_000 });

  // Delete the other pod: its Deployment replaces it, and the replacement's lines appear.
  await kubectl('delete', 'pod', '-n', 'istio-system', second!, '--wait=false');
  await expect.poll(async () => (await names()).filter((n) => n !== first && n !== second).length, { timeout: 20_000 }).toBe(1);
  const replacement = (await names()).find((n) => n !== first && n !== second)!;
  await expect.poll(async () => ((await (await request.get(`/api/resources/pods/istio-system/${replacement}`)).json()) as { status?: { podIP?: string } }).status?.podIP, { timeout: 15_000 }).toBeTruthy();
  const ip = ((await (await request.get(`/api/resources/pods/istio-system/${replacement}`)).json()) as { status: { podIP: string } }).status.podIP;
  const t2 = token() + 'r';
  await expect.poll(async () => podGet(ip, `/?probe=${t2}-warmup`), { timeout: 15_000 }).toBe(200);
  await page.getByLabel('Authority or path contains').fill(`${t2}-n`);
  for (let i = 0; i < 3; i++) expect(await podGet(ip, `/?probe=${t2}-n${i}`)).toBe(200);
  await expect(page.locator(`[data-testid="log-row"][data-pod="${replacement}"]`)).toHaveCount(3, { timeout: 5_000 });
  await expect(page.getByTestId('log-row')).toHaveCount(3);
});

test('with access logging off in the mesh config the page says so, and the confirmed change turns it on', async ({ page }) => {
  test.skip(!hasKubectl, 'kubectl is not installed');
  const cm = JSON.parse(await kubectl('get', 'configmap', 'istio', '-n', 'istio-system', '-o', 'json')) as { data: Record<string, string> };
  const original = cm.data['mesh']!;
  expect(original).toMatch(/^accessLogFile: \/dev\/stdout$/m);
  const setMesh = (mesh: string) => kubectl('patch', 'configmap', 'istio', '-n', 'istio-system', '--type', 'merge', '-p', JSON.stringify({ data: { mesh } }));
  try {
    await setMesh(original.replace(/^accessLogFile: .*\n/m, ''));
    await expect(page.getByTestId('access-log-off')).toBeVisible({ timeout: 10_000 });
    await page.getByTestId('enable-access-log').click();
    const dialog = page.getByTestId('enable-access-log-dialog');
    await expect(dialog.getByTestId('access-log-after')).toContainText('accessLogFile: /dev/stdout');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(dialog).toContainText('Applied.');
    await expect(page.getByTestId('access-log-off')).toHaveCount(0, { timeout: 10_000 });
    expect(JSON.parse(await kubectl('get', 'configmap', 'istio', '-n', 'istio-system', '-o', 'json')).data.mesh).toMatch(/^accessLogFile: \/dev\/stdout$/m);
    // Lines flow again.
    const t = token();
    await page.getByLabel('Authority or path contains').fill(t);
    await expect.poll(async () => (await lbGet(`/?probe=${t}`, 'web.example.com'), await page.getByTestId('log-row').count()), { timeout: 15_000 }).toBeGreaterThan(0);
  } finally {
    await setMesh(original);
  }
});

test('a corrupted access-log line is shown as unparsed with its text and counted, not dropped', async ({ page }) => {
  test.skip(!hasKubectl, 'kubectl is not installed');
  const [first] = (await page.getByTestId('follower').allTextContents()).map((t) => t.split(' · ')[0]!);
  const t = token();
  await page.getByLabel('Authority or path contains').fill(t);
  // A default-format line cut off after the response flags, written into the gateway container's log.
  const cut = `[${new Date().toISOString()}] "GET /${t}/cut HTTP/1.1" 200 - via_upstream - "-" 0 612`;
  await kubectl('annotate', 'pod', '-n', 'istio-system', first!, `fault.sandbox.gatescope.io/write-log=${cut}`, '--overwrite');
  const row = page.locator('[data-testid="log-row"][data-kind="invalid"]');
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect(row).toContainText('unparsed');
  await expect(row).toContainText(`/${t}/cut`);
  expect(await row.getAttribute('title')).toContain(cut);
  await expect(page.getByText(/\d+ unparsed lines?/)).toBeVisible();
});

test('a path regex filters on the server: a burst above the tab’s cap still brings every matching line; an invalid regex is named', async ({ page }) => {
  test.skip(!hasKubectl, 'kubectl is not installed');
  test.setTimeout(60_000);
  const [first] = (await page.getByTestId('follower').allTextContents()).map((t) => t.split(' · ')[0]!);
  const t = token();
  const regex = page.getByLabel('Path regex');

  // RE2 refuses an unclosed group: the bar names it, and the other filters still apply.
  await regex.fill('^/(v1');
  await expect(page.getByTestId('path-regex-error')).toContainText("invalid path regex '^/(v1'");
  await expect(page.getByTestId('path-regex-error')).toContainText('missing closing )');
  await expect(regex).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('logs-error')).toHaveCount(0); // never sent to the server
  await page.screenshot({ path: '/tmp/gatescope-logs-regex-error.png' });

  // Every 100th line of a 20,000-line burst at 10,000 lines/s (twice the tab's cap): n = 100 … 19,900.
  await regex.fill(`^/logburst/${t}/[0-9]*00\\?`);
  await expect(page.getByTestId('path-regex-error')).toHaveCount(0);
  await expect(page.getByTestId('logs-summary')).toHaveAttribute('data-server-filter', new RegExp(`logburst/${t}`));
  await kubectl('annotate', 'pod', '-n', 'istio-system', first!, `load.sandbox.gatescope.io/log-burst=10000x2@${t}`, '--overwrite');
  // (The table is virtualized: the summary counts the rows, the rendered ones are checked.)
  await expect(page.getByTestId('logs-summary')).toContainText(/ 199 of \d+ lines shown/, { timeout: 20_000 });
  const paths = await page.getByTestId('log-row').evaluateAll((els) => els.map((el) => /\/logburst\/[^/]+\/(\d+)/.exec(el.textContent ?? '')?.[1]));
  expect(paths.length).toBeGreaterThan(10);
  for (const n of paths) expect(Number(n) % 100).toBe(0);
  // The server sent this tab only the matching lines: nothing was capped.
  await expect(page.getByTestId('missed')).toHaveCount(0);
  await page.screenshot({ path: '/tmp/gatescope-logs-regex.png' });
});
