import { expect, test } from '@playwright/test';

test('the Validation page analyzes the live cluster: the default scenario is clean', async ({ page }) => {
  await page.goto('/validation');
  await expect(page.getByRole('heading', { name: 'Validation' })).toBeVisible();
  await expect(page.getByTestId('validation-clean')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('count-Error')).toHaveText('0 Errors');
});
