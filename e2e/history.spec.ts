import { expect, test, type APIRequestContext } from '@playwright/test';
import { configDumpSplit, getObject, restoreSpec } from './support/cluster';
import { hasKubectl, kubectl } from './support/kubectl';

type Json = Record<string, unknown>;

const weights = async (api: APIRequestContext) => (((await getObject(api, 'virtualservices', 'default', 'web-service'))!.spec!.http as Json[])[2]!.route as Json[]).map((d) => d.weight);

test('a weight change made with kubectl appears in the history, diffed, and is reverted from the UI with the routing following', async ({ page, request }) => {
  test.skip(!hasKubectl, 'kubectl is not installed');
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  try {
    await kubectl(
      'patch', 'virtualservice', 'web-service', '-n', 'default', '--type=json',
      '-p', JSON.stringify([{ op: 'replace', path: '/spec/http/2/route/0/weight', value: 50 }, { op: 'replace', path: '/spec/http/2/route/1/weight', value: 50 }]),
    );
    await expect.poll(() => weights(request)).toEqual([50, 50]);
    await expect.poll(() => configDumpSplit(request), { timeout: 20_000 }).toBe('v1=50,v2=50');

    await page.goto('/history?resource=virtualservices/default/web-service');
    await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
    const entries = page.getByTestId('history-entry');
    const change = entries.first();
    await expect(change).toHaveAttribute('data-event', 'updated', { timeout: 20_000 });
    await expect(change).toHaveAttribute('data-manager', 'kubectl-patch');
    await expect(change.getByTestId('history-manager')).toContainText('kubectl-patch');
    const line = change.locator('[data-testid="diff-line"][data-path="spec.http[2].route[0].weight"]');
    await expect(line).toContainText('80');
    await expect(line).toContainText('50');
    await expect(change.locator('[data-testid="diff-line"][data-path="spec.http[2].route[1].weight"]')).toContainText('20');
    await page.screenshot({ path: '/tmp/gatescope-history-change.png', fullPage: true });

    // Revert to the version before the patch: diff against live, dry-run, apply.
    const seq = await entries.nth(1).getAttribute('data-seq');
    const before = page.locator(`[data-testid="history-entry"][data-seq="${seq}"]`);
    await before.getByTestId('history-revert').click();
    const panel = before.getByTestId('revert-panel');
    await expect(panel.getByTestId('revert-dry-run-ok')).toBeVisible();
    const revertLine = panel.locator('[data-testid="diff-line"][data-path="spec.http[2].route[0].weight"]');
    await expect(revertLine).toContainText('50');
    await expect(revertLine).toContainText('80');
    expect(await weights(request)).toEqual([50, 50]); // the dry-run wrote nothing
    await page.screenshot({ path: '/tmp/gatescope-history-revert.png', fullPage: true });
    await panel.getByTestId('revert-apply').click();
    await expect(panel.getByTestId('revert-applied')).toBeVisible();

    await expect.poll(() => weights(request)).toEqual([80, 20]);
    await expect.poll(() => configDumpSplit(request), { timeout: 20_000 }).toBe('v1=80,v2=20');
    // The revert is in the history too, made by the console.
    await expect(entries.first()).toHaveAttribute('data-manager', 'gatescope');
    await expect(entries.first().locator('[data-testid="diff-line"][data-path="spec.http[2].route[0].weight"]')).toContainText('80');
    await page.getByTestId('revert-panel').getByRole('button', { name: 'Close' }).click();
    await page.screenshot({ path: '/tmp/gatescope-history-reverted.png', fullPage: true });
  } finally {
    const now = await getObject(request, 'virtualservices', 'default', 'web-service');
    if (JSON.stringify(now?.spec) !== JSON.stringify(original.spec)) await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});
