import { expect, test } from '@playwright/test';

test('the simulator explains which route serves GET web.example.com/v1, why /v10 goes there too, and what nothing serves', async ({ page }) => {
  await page.goto('/simulate?host=web.example.com&path=/v1');
  await expect(page.getByRole('heading', { name: 'Simulate' })).toBeVisible();
  const result = page.getByTestId('sim-result');
  await expect(result).toHaveAttribute('data-route', 'v1', { timeout: 20_000 });
  await expect(page.getByTestId('sim-gateway-server')).toContainText('istio-system/default-gateway#0');
  await expect(page.getByTestId('sim-gateway-server')).toContainText('HTTP 80');
  await expect(page.getByTestId('sim-virtual-service')).toContainText('default/web-service');
  await expect(page.getByTestId('sim-matched-because')).toContainText('uri prefix /v1 matches /v1');
  const dests = page.getByTestId('sim-destination');
  await expect(dests).toHaveCount(1);
  await expect(dests.first()).toHaveAttribute('data-subset', 'v1');
  await expect(dests.first()).toHaveAttribute('data-weight', '100');
  await expect(dests.first()).toContainText(/default\/httpd-v1-/);
  await expect(page.getByTestId('sim-route')).toContainText('rewritten to /');
  await expect(page.getByTestId('sim-rejected-none')).toBeVisible();
  await page.screenshot({ path: '/tmp/gatescope-simulate-v1.png', fullPage: true });

  // /v10: a prefix is a string prefix, so route v1 takes it too (and the rewrite makes /0).
  await page.getByLabel('Path').fill('/v10');
  await expect(result).toHaveAttribute('data-route', 'v1');
  await expect(page.getByTestId('sim-matched-because')).toContainText('a prefix is compared character by character, not by path segment, so /v10 matches');
  await expect(dests.first()).toHaveAttribute('data-subset', 'v1');
  await expect(page.getByTestId('sim-route')).toContainText('rewritten to /0');
  await expect(page).toHaveURL(/path=%2Fv10/);

  // Deep link: the URL reproduces the simulation.
  await page.reload();
  await expect(page.getByLabel('Path')).toHaveValue('/v10');
  await expect(result).toHaveAttribute('data-route', 'v1', { timeout: 20_000 });

  // /anything: v1 and v2 did not match, the split sends 80/20.
  await page.getByLabel('Path').fill('/anything');
  await expect(result).toHaveAttribute('data-route', 'split');
  await expect(dests).toHaveCount(2);
  await expect(dests.nth(0)).toHaveAttribute('data-weight', '80');
  await expect(dests.nth(1)).toHaveAttribute('data-subset', 'v2');
  await expect(dests.nth(1)).toHaveAttribute('data-weight', '20');
  const rejected = page.getByTestId('sim-rejected-row');
  await expect(rejected).toHaveCount(2);
  await expect(rejected.nth(0)).toContainText('uri prefix /v1 does not match /anything');
  await expect(rejected.nth(1)).toContainText('uri prefix /v2 does not match /anything');
  await page.screenshot({ path: '/tmp/gatescope-simulate-split.png', fullPage: true });

  // Nothing serves httpbin.example.com/: Envoy's 404 NR, with the reason per match block.
  await page.getByLabel('Host').fill('httpbin.example.com');
  await page.getByLabel('Path').fill('/');
  await expect(page.getByTestId('sim-no-match')).toContainText('404 NR');
  await expect(page.getByTestId('sim-gateway-server')).toContainText('default/httpbin-gateway#0');
  await expect(rejected.first()).toContainText('match[0]: uri prefix /status does not match /; match[1]: uri prefix /delay does not match /');
  await page.screenshot({ path: '/tmp/gatescope-simulate-404.png', fullPage: true });
});
