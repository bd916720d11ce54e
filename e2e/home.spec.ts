import { expect, test } from '@playwright/test';

test('the console serves its pages against the built-in sandbox and shows the context', async ({ page, request }) => {
  const health = await request.get('/api/health');
  expect(health.ok()).toBe(true);
  const body = await health.json();
  expect(body.mode).toBe('sandbox');
  expect(body.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

  await page.goto('/');
  await expect(page.getByRole('link', { name: 'gatescope' })).toBeVisible();
  await expect(page.getByTestId('context')).toContainText('gatescope-sandbox');
  await expect(page.getByTestId('context')).toContainText('sandbox');
});

test('the REST API serves what the cluster cache watches', async ({ request }) => {
  await expect
    .poll(async () => ((await (await request.get('/api/resources/virtualservices')).json()) as { items: unknown[] }).items.length)
    .toBeGreaterThanOrEqual(4);
  const vs = await request.get('/api/resources/virtualservices/default/web-service');
  expect(vs.ok()).toBe(true);
  expect(((await vs.json()) as { spec: { hosts: string[] } }).spec.hosts).toEqual(['web.example.com']);
  expect((await request.get('/api/resources/secretsz')).status()).toBe(404);
});

test('a request with a foreign Host header is refused (DNS rebinding)', async ({ request }) => {
  const res = await request.get('/api/health', { headers: { host: 'attacker.example' } });
  expect(res.status()).toBe(403);
});
