/**
 * Reordering routes from the overview's side panel (issue 5, visual route editing): the same
 * pipeline as the editor — diff, server dry-run, then an update with the resourceVersion the new
 * order was made on.
 */
import { expect, test } from '@playwright/test';
import { getObject, restoreSpec } from './support/cluster';

type Route = { name?: string };

test('the side panel of a VirtualService reorders its routes through diff, dry-run and apply', async ({ page, request }) => {
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  expect((original.spec!.http as Route[]).map((r) => r.name)).toEqual(['v1', 'v2', 'split']);
  try {
    await page.goto('/');
    await page.locator('[data-testid=topology-node][data-node-id="route:default/web-service:http[1]"]').click();
    const order = page.getByTestId('side-panel').getByTestId('route-order');
    await expect(order.getByTestId('route-order-item')).toHaveCount(3);
    await order.getByRole('button', { name: /^Move route "v2".* up$/ }).click();
    await expect(order.getByTestId('route-order-item').first()).toContainText('"v2"');
    await expect(order.getByTestId('route-order-diff').locator('[data-op="reorder"]')).toHaveCount(1);
    // Apply waits for a passing dry-run; the dry-run writes nothing.
    await expect(order.getByRole('button', { name: 'Apply' })).toBeDisabled();
    await order.getByRole('button', { name: 'Dry-run' }).click();
    await expect(order.getByTestId('route-order-dry-run-ok')).toBeVisible();
    expect((await getObject(request, 'virtualservices', 'default', 'web-service'))!.metadata.resourceVersion).toBe(original.metadata.resourceVersion);
    await order.getByRole('button', { name: 'Apply' }).click();
    await expect(order.getByTestId('route-order-applied')).toBeVisible();
    await expect
      .poll(async () => ((await getObject(request, 'virtualservices', 'default', 'web-service'))!.spec!.http as Route[]).map((r) => r.name))
      .toEqual(['v2', 'v1', 'split']);
  } finally {
    await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});
