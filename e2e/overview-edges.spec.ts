/**
 * Live traffic on the overview's edges against the sandbox: after bounded requests through the
 * gateway, the web-service split route's edges to subsets v1 and v2 carry a rate label (v1 the
 * higher, 80/20), httpbin's route edge turns red with its 503s, and clicking an edge opens the
 * Logs page filtered to that edge's lines (route + subset), showing only matching rows.
 */
import { expect, test, type Page } from '@playwright/test';
import { lbBurst } from './support/gateway-traffic';

const WEB = 'web-service.default.svc.cluster.local';
const SPLIT = 'route:default/web-service:http[2]';
const splitEdge = (subset: string) => `${SPLIT}->service:${WEB}|80|${subset}`;
const HTTPBIN = 'route:default/httpbin:http[0]';
const HTTPBIN_EDGE = `${HTTPBIN}->service:httpbin.default.svc.cluster.local|8000|`;

const flow = (page: Page, id: string) => page.locator(`[data-testid="edge-flow"][data-edge-id="${id}"]`);
const label = (page: Page, id: string) => page.locator(`[data-testid="edge-rate"][data-edge-id="${id}"]`);
const rps = async (page: Page, id: string) => Number((await flow(page, id).getAttribute('data-rps')) ?? 0);

/** What the overview needs on screen: 10 s of the split at 80/20 and a burst of 503s on httpbin's route. */
async function sendTraffic(tag: string): Promise<void> {
  const [web, bin] = await Promise.all([lbBurst(200, (i) => `/?edges=${tag}-${i}`, 'web.example.com'), lbBurst(40, (i) => `/status/503?edges=${tag}-${i}`, 'httpbin.example.com', 2)]);
  expect(web.filter((c) => c === 200).length).toBeGreaterThan(190);
  expect(bin.filter((c) => c === 503).length).toBe(40);
}

test('edges show live req/s coloured by errors, and an edge opens its own log lines', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.locator('[data-testid=topology-node][data-stage=route]').first()).toBeVisible();
  await expect(page.getByTestId('edge-legend')).toContainText('> 5%');
  await sendTraffic(Date.now().toString(36));

  // Both split edges get a label with a rate; v1 (80 %) carries more than v2 (20 %).
  await expect(label(page, splitEdge('v1'))).toContainText('req/s', { timeout: 15_000 });
  await expect(label(page, splitEdge('v2'))).toContainText('req/s');
  await expect(label(page, splitEdge('v1'))).toContainText('80%');
  await expect.poll(async () => (await rps(page, splitEdge('v1'))) > 2 * (await rps(page, splitEdge('v2')))).toBe(true);
  await expect(flow(page, splitEdge('v1'))).toHaveAttribute('data-level', 'ok');
  // The VirtualService → route hop carries the whole route, so at least both destinations.
  const vsToSplit = `virtualService:default/web-service->${SPLIT}`;
  expect(await rps(page, vsToSplit)).toBeGreaterThanOrEqual(await rps(page, splitEdge('v1')));

  // httpbin's route served 40 503s: its edges are red and say so.
  await expect(flow(page, HTTPBIN_EDGE)).toHaveAttribute('data-level', 'fail');
  await expect.poll(async () => Number(await flow(page, HTTPBIN_EDGE).getAttribute('data-error-pct'))).toBeGreaterThan(5);
  await expect(label(page, HTTPBIN_EDGE)).toContainText('% 5xx');
  await expect(flow(page, `virtualService:default/httpbin->${HTTPBIN}`)).toHaveAttribute('data-level', 'fail');

  // Zoom onto the routing half for the screenshot (a person reads the labels at this zoom).
  // (Measured once it is laid out: a tick can re-render the label between two reads.)
  let box = await label(page, splitEdge('v1')).boundingBox();
  await expect.poll(async () => (box = await label(page, splitEdge('v1')).boundingBox()) !== null).toBe(true);
  if (!box) throw new Error('unreachable: polled until measured');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
  await expect.poll(async () => (await label(page, splitEdge('v1')).boundingBox())?.width ?? 0).toBeGreaterThan(box.width * 1.8);
  await page.screenshot({ path: '/tmp/gatescope-overview-edges.png' });

  // Click the v1 edge: the Logs page, filtered to the split route's lines to subset v1.
  await label(page, splitEdge('v1')).click();
  await expect(page).toHaveURL(/\/logs\?route=.*&subset=/);
  const url = new URL(page.url());
  expect(url.searchParams.get('route')).toBe(SPLIT);
  expect(url.searchParams.get('subset')).toBe(`subset:${WEB}:v1`);
  await expect(page.locator('[data-testid=filter-chip][data-filter=route]')).toContainText('default/web-service:http[2]');
  await expect(page.locator('[data-testid=filter-chip][data-filter=subset]')).toContainText('v1');
  const rows = page.getByTestId('log-row');
  await expect(rows.first()).toBeVisible({ timeout: 10_000 });
  const titles = await rows.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('[title]')].map((s) => s.getAttribute('title') ?? '')));
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) {
    expect(t).toContain(SPLIT);
    expect(t.some((x) => x.startsWith('outbound|80|v1|web-service'))).toBe(true);
  }
  // Other lines exist but are filtered out ("N of M lines shown").
  const summary = (await page.getByTestId('logs-summary').textContent()) ?? '';
  const [, shown, all] = /(\d+) of (\d+) lines shown/.exec(summary) ?? [];
  expect(Number(shown)).toBeGreaterThan(0);
  expect(Number(all)).toBeGreaterThan(Number(shown));
  await page.screenshot({ path: '/tmp/gatescope-logs-from-edge.png' });

  // Removing the subset chip keeps the route filter: v2's lines of the split come back too.
  await page.getByRole('button', { name: 'Remove the subset filter' }).click();
  await expect.poll(async () => (await rows.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('[title]')].map((s) => s.getAttribute('title') ?? '').find((x) => x.startsWith('outbound|')) ?? ''))).some((u) => u.includes('|v2|'))).toBe(true);
});

test('the failing route edge opens its 503s on the Logs page, from the keyboard', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/');
  await sendTraffic(`f${Date.now().toString(36)}`);
  await expect(flow(page, HTTPBIN_EDGE)).toHaveAttribute('data-level', 'fail', { timeout: 15_000 });
  // An edge takes focus like a button and names both ends; Enter opens its lines.
  const edge = page.locator(`[data-testid="rf__edge-${HTTPBIN_EDGE}"]`);
  await expect(edge).toHaveAttribute('aria-label', 'Route http[0] to Service default/httpbin (:8000)');
  await edge.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/logs\?route=/);
  expect(new URL(page.url()).searchParams.get('service')).toBe('service:httpbin.default.svc.cluster.local');
  await page.getByTestId('status-5xx').click();
  await expect(page.getByTestId('log-row').first()).toBeVisible({ timeout: 10_000 });
  for (const s of await page.getByTestId('log-row').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))) expect(s).toBe('503');
});
