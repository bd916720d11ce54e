/**
 * The Traffic page's history section without Prometheus (the shared e2e console starts without
 * --prometheus-url): a one-line hint, and the API says "not configured" rather than failing. The
 * Prometheus path is covered by server/traffic/prometheus.integration.test.ts (real Prometheus).
 */
import { expect, test } from '@playwright/test';

test('without --prometheus-url the Traffic page says how to see history beyond 15 min', async ({ page, request }) => {
  const res = await request.get('/api/traffic/history?vs=default/web-service&range=1h');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ configured: false, reason: 'start with --prometheus-url to see history beyond 15 min' });
  await page.goto('/traffic');
  await expect(page.getByTestId('history-hint')).toHaveText('History: start with --prometheus-url to see history beyond 15 min', { timeout: 10_000 });
  await expect(page.getByTestId('traffic-history')).toHaveCount(0);
  await page.getByTestId('history-hint').scrollIntoViewIfNeeded();
  await page.screenshot({ path: process.env.GATESCOPE_HISTORY_HINT_SCREENSHOT ?? '/tmp/gatescope-traffic-history-hint.png' });
});
