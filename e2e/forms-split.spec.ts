import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';
import { configDumpSplit, getObject, restoreSpec } from './support/cluster';

type Json = Record<string, unknown>;

test('the split slider moves the web-service split to 50/50 through diff, dry-run and apply, and back', async ({ page, request }) => {
  // Many key presses, each a re-render of the whole form: on a loaded 2-core machine that is slow.
  test.setTimeout(120_000);
  const original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  const editor = new EditorPage(page);
  try {
    await editor.open('virtualservices', 'default', 'web-service');
    const slider = editor.slider('split');
    const handle = slider.getByRole('slider', { name: 'Split between web-service v1 and web-service v2' });
    await expect(handle).toHaveAttribute('aria-valuenow', '80');
    await expect(handle).toHaveAttribute('aria-valuetext', 'web-service v1 80 %, web-service v2 20 %');

    // Keyboard: PageDown moves 10, ArrowLeft 1.
    await handle.focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await expect(slider).toHaveAttribute('data-weights', '50/50');
    await expect(editor.input('spec.http[2].route[0].weight')).toHaveValue('50');
    await expect(editor.input('spec.http[2].route[1].weight')).toHaveValue('50');
    await expect(editor.yaml).toHaveValue(/weight: 50[\s\S]*weight: 50/);
    await expect(editor.findings()).toHaveCount(0);

    const diff = await editor.showDiff();
    await expect(diff.locator('[data-path="spec.http[2].route[0].weight"]')).toContainText('80');
    await expect(diff.locator('[data-path="spec.http[2].route[0].weight"]')).toContainText('50');
    await expect(diff.locator('[data-path="spec.http[2].route[1].weight"]')).toContainText('20');
    await editor.screenshot('vs-split-50-50');

    await editor.dryRunButton.click();
    await expect(page.getByTestId('dry-run-ok')).toBeVisible();
    expect((await getObject(request, 'virtualservices', 'default', 'web-service'))!.metadata.resourceVersion).toBe(original.metadata.resourceVersion);

    await editor.apply();
    await expect(page.getByTestId('applied')).toBeVisible();
    await expect
      .poll(async () => ((await getObject(request, 'virtualservices', 'default', 'web-service'))!.spec!.http as Json[])[2]!.route)
      .toEqual([
        expect.objectContaining({ weight: 50 }),
        expect.objectContaining({ weight: 50 }),
      ]);
    await expect(page.getByTestId('unsaved')).toHaveCount(0);
    // The gateway's Envoy config follows (through the console's allow-listed admin route).
    await expect.poll(() => configDumpSplit(request), { timeout: 20_000 }).toBe('v1=50,v2=50');

    // And back to 80/20, with the mouse this time.
    const bar = await handle.boundingBox();
    const track = await slider.locator('div.relative').first().boundingBox();
    if (!bar || !track) throw new Error('slider not laid out');
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(track.x + track.width * 0.7, bar.y + bar.height / 2, { steps: 5 });
    await page.mouse.move(track.x + track.width * 0.8, bar.y + bar.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(slider).toHaveAttribute('data-weights', '80/20');
    await editor.apply();
    await expect(page.getByTestId('applied')).toBeVisible();
    await expect
      .poll(async () => (((await getObject(request, 'virtualservices', 'default', 'web-service'))!.spec!.http as Json[])[2]!.route as Json[]).map((d) => d.weight))
      .toEqual([80, 20]);
    await expect.poll(() => configDumpSplit(request), { timeout: 20_000 }).toBe('v1=80,v2=20');
  } finally {
    const now = await getObject(request, 'virtualservices', 'default', 'web-service');
    if (JSON.stringify(now?.spec) !== JSON.stringify(original.spec)) await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  }
});
