import { expect, test } from '@playwright/test';

const handle = (id: string, kind: 'source' | 'target') => `.react-flow__node:has([data-node-id="${id}"]) .react-flow__handle.${kind}`;

test('drawing from a VirtualService to a subset opens its form with a new first route, nothing applied', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-node-id="virtualService:default/web-service"]')).toBeVisible();
  await page.locator(handle('virtualService:default/web-service', 'source')).dragTo(page.locator(handle('subset:web-service.default.svc.cluster.local:v2', 'target')));
  await expect(page).toHaveURL(/\/virtualservices\/default\/web-service\?fix=/);
  await expect(page.getByTestId('prefilled-fix-banner')).toContainText('new route to web-service subset v2 at the top');
  await expect(page.getByText('to-web-service-v2').first()).toBeVisible();
  // Nothing was written: the live object has no such route.
  const live = (await (await page.request.get('/api/resources/virtualservices/default/web-service')).json()) as { spec: { http: Array<{ name?: string }> } };
  expect(live.spec.http.map((r) => r.name)).not.toContain('to-web-service-v2');
  await page.evaluate(() => window.localStorage.clear());
});

test('drawing from a Gateway server to a Service opens a new VirtualService bound to that Gateway', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-node-id="gatewayServer:default/httpbin-gateway#0"]')).toBeVisible();
  await page.locator(handle('gatewayServer:default/httpbin-gateway#0', 'source')).dragTo(page.locator(handle('service:counter.default.svc.cluster.local', 'target')));
  await expect(page).toHaveURL(/\/virtualservices\/new\?namespace=default/);
  await expect(page.getByText('counter-ingress').first()).toBeVisible();
  await expect(page.getByText('default/httpbin-gateway').first()).toBeVisible();
  await page.evaluate(() => window.localStorage.clear());
});
