/**
 * The Traffic page against the sandbox: the web-service split route shows its configured 80/20
 * and, after bounded requests through the gateway, an observed split near it; moving the split
 * to 50/50 moves the observed split there too (the 10-second window of /api/traffic).
 */
import { expect, test } from '@playwright/test';
import { getObject, restoreSpec, editAsAnotherClient, type Obj } from './support/cluster';
import { lbBurst } from './support/gateway-traffic';

const SPLIT = 'route:default/web-service:http[2]';

type Json = Record<string, unknown>;
interface Split {
  routeId: string;
  n: number;
  destinations: Array<{ subset?: string; configured: number; observed?: number; n: number }>;
}

test('the web-service route shows about 80/20 observed for 80/20 configured, with rates and percentiles', async ({ page }) => {
  const codes = await lbBurst(300, (i) => `/?traffic-spec=${i}`, 'web.example.com');
  expect(codes.filter((c) => c === 200).length).toBeGreaterThan(290);
  await page.goto('/traffic');
  const card = page.locator(`[data-testid="split-route"][data-route="${SPLIT}"]`);
  await expect(card).toBeVisible({ timeout: 10_000 });
  const v1 = card.locator('[data-testid="split-destination"][data-subset="v1"]');
  const v2 = card.locator('[data-testid="split-destination"][data-subset="v2"]');
  await expect(v1.getByTestId('configured')).toHaveText('80 %');
  await expect(v2.getByTestId('configured')).toHaveText('20 %');
  await expect.poll(async () => Number(await v1.getByTestId('observed').getAttribute('data-value')), { timeout: 10_000 }).toBeGreaterThan(72);
  const observed = Number(await v1.getByTestId('observed').getAttribute('data-value'));
  expect(observed).toBeLessThan(88);
  await expect(card.getByTestId('observed-bar')).toBeVisible();
  await expect(card.getByTestId('route-rate')).toContainText('req/s');
  await expect(v1).toContainText('ms');
  await page.getByRole('button', { name: '5 min', exact: true }).click();
  await expect(card).toBeVisible();
  await page.screenshot({ path: '/tmp/gatescope-traffic.png', fullPage: true });

  // The overview draws the live rates on route and subset nodes.
  await page.goto('/');
  await expect(page.locator(`[data-node-id="${SPLIT}"] [data-testid="node-rate"]`)).toBeVisible({ timeout: 15_000 });
  await expect(page.locator(`[data-node-id="subset:web-service.default.svc.cluster.local:v1"] [data-testid="node-rate"]`)).toContainText('req/s');
  await page.screenshot({ path: '/tmp/gatescope-overview-rates.png' });
});

test('after moving the split to 50/50 the observed split follows within ±8 points, and the page marks the change', async ({ page, request }) => {
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  await page.goto('/traffic');
  const card = page.locator(`[data-testid="split-route"][data-route="${SPLIT}"]`);
  await expect(card).toBeVisible({ timeout: 10_000 });
  try {
    await editAsAnotherClient(request, 'virtualservices', 'default', 'web-service', (o: Obj) => {
      const http = (o.spec!.http as Json[])[2]!.route as Json[];
      http[0]!.weight = 50;
      http[1]!.weight = 50;
      return o;
    });
    const split = async (): Promise<Split | undefined> => ((await (await request.get('/api/traffic?window=10')).json()) as { routes: Split[] }).routes.find((r) => r.routeId === SPLIT);
    await expect.poll(async () => (await split())?.destinations[0]?.configured, { timeout: 10_000 }).toBe(50);
    await expect(card.locator('[data-testid="split-destination"][data-subset="v1"]').getByTestId('configured')).toHaveText('50 %', { timeout: 5_000 });
    await expect(card.getByTestId('config-change-mark')).toHaveCount(1);
    // The gateways apply the push within a second or two; then 10 s of traffic at 50/50.
    await expect
      .poll(
        async () => {
          await lbBurst(60, (i) => `/?fifty=${Date.now()}-${i}`, 'web.example.com');
          const s = await split();
          return s && s.n >= 100 ? Math.abs((s.destinations[0]!.observed ?? 0) - 50) : 100;
        },
        { timeout: 30_000, intervals: [500] },
      )
      .toBeLessThan(8);
  } finally {
    await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});
