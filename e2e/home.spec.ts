import { expect, test } from '@playwright/test';

test('the console serves its home page against the built-in sandbox', async ({ page, request }) => {
  const health = await request.get('/api/health');
  expect(health.ok()).toBe(true);
  const body = await health.json();
  expect(body.mode).toBe('sandbox');
  expect(body.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'gatescope' })).toBeVisible();
});

test('a request with a foreign Host header is refused (DNS rebinding)', async ({ request }) => {
  const res = await request.get('/api/health', { headers: { host: 'attacker.example' } });
  expect(res.status()).toBe(403);
});
