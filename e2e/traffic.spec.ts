/**
 * The Traffic page against the sandbox: the web-service split route shows its configured 80/20
 * and, after bounded requests through the gateway, an observed split near it; the split slider on
 * the route's card moves it to 50/50 (server dry-run, then apply with the resourceVersion shown),
 * the page marks the change, and the split observed since the change comes within ±5 points of
 * 50/50; a concurrent change of the same weights makes Apply a 409 that keeps the slider.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { configDumpSplit, editAsAnotherClient, getObject, restoreSpec, type Obj } from './support/cluster';
import { lbBurst } from './support/gateway-traffic';

const SPLIT = 'route:default/web-service:http[2]';
const VS_URL = '/api/resources/virtualservices/default/web-service';

type Json = Record<string, unknown>;
const weightsOf = (o: Obj | undefined) => (((o?.spec?.http as Json[])[2]!.route as Json[]).map((d) => d.weight) as number[]);

async function openCard(page: Page): Promise<{ card: Locator; editor: Locator; handle: Locator }> {
  await page.goto('/traffic');
  const card = page.locator(`[data-testid="split-route"][data-route="${SPLIT}"]`);
  await expect(card).toBeVisible({ timeout: 10_000 });
  const editor = card.getByTestId('split-editor');
  const handle = editor.getByRole('slider', { name: 'Split between web-service v1 and web-service v2' });
  await expect(handle).toHaveAttribute('aria-valuenow', '80');
  return { card, editor, handle };
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

test('the split slider moves web-service to 50/50 through dry-run and apply; the split observed since the change is within ±5 points of 50/50 within 30 s', async ({ page, request }) => {
  // Page, apply and the gateway push before the 30 s of traffic start: more than the default on a busy machine.
  test.setTimeout(120_000);
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  expect(weightsOf(original)).toEqual([80, 20]);
  const { card, editor, handle } = await openCard(page);
  const writes: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && new URL(r.url()).pathname === VS_URL) writes.push(new URL(r.url()).search || 'apply');
  });
  try {
    // Keyboard on the slider: PageDown moves 10.
    await handle.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await expect(editor.getByTestId('split-slider')).toHaveAttribute('data-weights', '50/50');
    await expect(editor.getByTestId('split-preview')).toHaveText('Change: v1 80 → 50, v2 20 → 50');
    await card.screenshot({ path: '/tmp/gatescope-traffic-slider.png' });

    await editor.getByRole('button', { name: 'Apply split' }).click();
    await expect(editor.getByTestId('split-applied')).toContainText('v1 80 → 50, v2 20 → 50');
    const appliedAt = Date.now();
    // The forms' path: a server dry-run, then the update.
    expect(writes).toEqual(['?dryRun=All', 'apply']);
    const now = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
    expect(weightsOf(now)).toEqual([50, 50]);
    // Only the weights of that route changed.
    const spec = structuredClone(now.spec!);
    ((spec.http as Json[])[2]!.route as Json[]).forEach((d, i) => (d.weight = weightsOf(original)[i]));
    expect(spec).toEqual(original.spec);

    await expect(card.locator('[data-testid="split-destination"][data-subset="v1"]').getByTestId('configured')).toHaveText('50 %', { timeout: 5_000 });
    await expect(card.getByTestId('config-change-mark')).toHaveCount(1);
    await expect(handle).toHaveAttribute('aria-valuenow', '50');
    await expect(editor.getByTestId('split-preview')).toHaveCount(0);

    // The gateway routes by the new weights; then bounded traffic, the split counted only over
    // the requests after the change (randomly routed: ≥ 600 of them puts σ near 2 points).
    await expect.poll(() => configDumpSplit(request), { timeout: 15_000 }).toBe('v1=50,v2=50');
    const since = card.getByTestId('since-change');
    let sent = 0;
    await expect
      .poll(
        async () => {
          if (sent < 2400) {
            const codes = await lbBurst(200, (i) => `/?fifty=${sent + i}`, 'web.example.com', 8);
            sent += codes.length;
          }
          const n = Number(await since.getAttribute('data-n'));
          const v1 = Number((await since.getAttribute('data-observed'))?.split('/')[0]);
          return n >= 600 ? Math.abs(v1 - 50) : 100;
        },
        { timeout: Math.max(1_000, 30_000 - (Date.now() - appliedAt)), intervals: [250] },
      )
      .toBeLessThan(5);
    await expect(card.getByTestId('since-change-bar')).toBeVisible();
    await card.screenshot({ path: '/tmp/gatescope-traffic-after.png' });
  } finally {
    const now = await getObject(request, 'virtualservices', 'default', 'web-service');
    if (JSON.stringify(now?.spec) !== JSON.stringify(original.spec)) await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});

test('a concurrent change of the same weights makes Apply a 409 that keeps the slider where the user put it', async ({ page, request }) => {
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  const { editor, handle } = await openCard(page);
  try {
    await handle.focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('PageDown');
    await expect(editor.getByTestId('split-slider')).toHaveAttribute('data-weights', '60/40');
    // Meanwhile another client sets 70/30.
    await editAsAnotherClient(request, 'virtualservices', 'default', 'web-service', (o: Obj) => {
      const route = (o.spec!.http as Json[])[2]!.route as Json[];
      route[0]!.weight = 70;
      route[1]!.weight = 30;
      return o;
    });
    await editor.getByRole('button', { name: 'Apply split' }).click();
    const conflict = editor.getByTestId('split-conflict');
    await expect(conflict).toHaveAttribute('data-status', 'conflict');
    await expect(conflict.getByTestId('split-conflict-weights')).toContainText('now v1 70, v2 30; yours are v1 60, v2 40');
    await expect(editor.getByTestId('split-slider')).toHaveAttribute('data-weights', '60/40');
    expect(weightsOf(await getObject(request, 'virtualservices', 'default', 'web-service'))).toEqual([70, 30]);
    await editor.screenshot({ path: '/tmp/gatescope-traffic-conflict.png' });

    // Taking the server's puts the slider on 70/30; nothing was written by this page.
    await conflict.getByRole('button', { name: 'Take the server' }).click();
    await expect(editor.getByTestId('split-slider')).toHaveAttribute('data-weights', '70/30');
    await expect(conflict).toHaveCount(0);
  } finally {
    await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});
