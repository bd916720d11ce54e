import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';
import { editAsAnotherClient, getObject, restoreSpec, type Obj } from './support/cluster';

type Json = Record<string, unknown>;
const httpRoutes = (o: Obj) => o.spec!.http as Json[];

/**
 * Two people edit web-service at once: the test's page (the form) and "another client" that
 * writes through the console's REST API with a fresh base, as kubectl edit would.
 */
test.describe('a concurrent change by another client', () => {
  let original: Obj;
  test.beforeEach(async ({ request }) => {
    original = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  });
  test.afterEach(async ({ request }) => {
    const now = await getObject(request, 'virtualservices', 'default', 'web-service');
    if (JSON.stringify(now?.spec) !== JSON.stringify(original.spec)) await restoreSpec(request, 'virtualservices', 'default', 'web-service', original.spec);
  });

  async function moveSplitTo60(editor: EditorPage) {
    const handle = editor.slider('split').getByRole('slider');
    await handle.focus();
    await editor.page.keyboard.press('PageDown');
    await editor.page.keyboard.press('PageDown');
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '60/40');
  }

  test('to another route: the apply gets a 409, the rebase keeps both changes', async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.open('virtualservices', 'default', 'web-service');
    await moveSplitTo60(editor);

    await editAsAnotherClient(request, 'virtualservices', 'default', 'web-service', (o) => {
      httpRoutes(o)[0]!.timeout = '7s';
      return o;
    });
    // The page sees the server moved on, and keeps the draft.
    await expect(page.getByTestId('server-changed-banner')).toBeVisible();
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'changed');
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '60/40');

    await editor.apply();
    const rebased = page.getByTestId('rebased');
    await expect(rebased).toBeVisible();
    await expect(rebased.getByTestId('theirs').locator('[data-path="spec.http[0].timeout"]')).toContainText('7s');
    await expect(rebased.getByTestId('rebased-diff').locator('[data-path="spec.http[2].route[0].weight"]')).toContainText('60');
    await editor.screenshot('vs-409-rebased');
    await rebased.getByRole('button', { name: 'Apply rebased version' }).click();
    await expect(page.getByTestId('applied')).toBeVisible();

    const after = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
    expect(httpRoutes(after)[0]!.timeout).toBe('7s');
    expect((httpRoutes(after)[2]!.route as Json[]).map((d) => d.weight)).toEqual([60, 40]);
  });

  test('to the same weight: the conflict is shown with both values, nothing is forced, the draft survives a reload', async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.open('virtualservices', 'default', 'web-service');
    await moveSplitTo60(editor);

    const theirs = await editAsAnotherClient(request, 'virtualservices', 'default', 'web-service', (o) => {
      const r = httpRoutes(o)[2]!.route as Json[];
      r[0]!.weight = 70;
      r[1]!.weight = 30;
      return o;
    });
    await expect(page.getByTestId('server-changed-banner')).toBeVisible();

    await editor.apply();
    const conflict = page.getByTestId('conflict');
    await expect(conflict).toBeVisible();
    const row = conflict.locator('[data-testid="conflict-row"][data-path="spec.http[2].route[0].weight"]');
    await expect(row.getByTestId('conflict-mine')).toHaveText('60');
    await expect(row.getByTestId('conflict-theirs')).toHaveText('70');
    await editor.screenshot('vs-409-conflict');
    // Nothing was forced: the server keeps the other client's version; the draft is kept.
    expect((await getObject(request, 'virtualservices', 'default', 'web-service'))!.metadata.resourceVersion).toBe(theirs.metadata.resourceVersion);
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '60/40');

    // A reload (or a crash) does not lose it either.
    await page.reload();
    await expect(page.getByTestId('restored-banner')).toBeVisible();
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '60/40');
    await expect(page.getByTestId('server-changed-banner')).toBeVisible();

    // Resolving by taking theirs leaves nothing to apply; discarding clears the stored draft.
    await editor.apply();
    await expect(page.getByTestId('conflict')).toBeVisible();
    await page.getByTestId('conflict').getByRole('button', { name: 'Take theirs for these fields' }).click();
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '70/30');
    await expect(page.getByTestId('unsaved')).toHaveCount(0);
    await page.reload();
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '70/30');
    await expect(page.getByTestId('restored-banner')).toHaveCount(0);
  });
});
