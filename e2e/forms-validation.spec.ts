import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';
import { getObject } from './support/cluster';

/**
 * Validation as you type on the scenario's web-service VirtualService. Nothing in this file is
 * applied: each test checks that Apply stays disabled and the stored object does not move.
 */
test.describe('validation as you type', () => {
  let editor: EditorPage;
  let rvBefore: string | undefined;

  test.beforeEach(async ({ page, request }) => {
    editor = new EditorPage(page);
    rvBefore = (await getObject(request, 'virtualservices', 'default', 'web-service'))?.metadata.resourceVersion;
    await editor.open('virtualservices', 'default', 'web-service');
    await expect(editor.page.getByTestId('findings-clean')).toBeVisible();
  });

  test.afterEach(async ({ page, request }) => {
    // Leave no draft behind for the next spec, and check nothing was written.
    const discard = page.getByTestId('apply-bar').getByRole('button', { name: 'Discard draft' });
    if (await discard.isVisible()) {
      await discard.click();
      await page.getByTestId('apply-bar').getByRole('button', { name: 'Discard', exact: true }).click();
    }
    expect((await getObject(request, 'virtualservices', 'default', 'web-service'))?.metadata.resourceVersion).toBe(rvBefore);
  });

  test('an invalid regex gives a GSC0003 error on its field and disables Apply', async ({ page }) => {
    const uri = 'spec.http[0].match[0].uri';
    await editor.field(uri).getByLabel('URI match type').selectOption('regex');
    await editor.field(uri).getByLabel('URI', { exact: true }).fill('/v1/(?=x)');
    await expect(editor.fieldErrors(uri, 'GSC0003')).toContainText('Invalid RE2 regular expression');
    await expect(editor.findings('GSC0003')).toHaveCount(1);
    await expect(editor.findings('GSC0003').getByRole('link', { name: 'GSC0003' })).toHaveAttribute('href', /re2/);
    await expect(editor.applyButton).toBeDisabled();
    await expect(page.getByTestId('blocking-summary')).toContainText(`${uri}.regex`);
    await editor.page.screenshot({ path: 'test-results/screens/vs-invalid-regex.png' });
    // A valid expression clears it.
    await editor.field(uri).getByLabel('URI', { exact: true }).fill('/v1/.*');
    await expect(editor.findings('GSC0003')).toHaveCount(0);
    await expect(editor.applyButton).toBeEnabled();
  });

  test('weights adding up to 90 give a GSC0001 error on the route and disable Apply', async ({ page }) => {
    await editor.input('spec.http[2].route[1].weight').fill('10');
    await expect(editor.fieldErrors('spec.http[2].route', 'GSC0001')).toContainText('add up to 90');
    await expect(editor.slider('split').getByTestId('split-total')).toContainText('adds up to 90');
    await expect(editor.applyButton).toBeDisabled();
    await expect(page.getByTestId('apply-bar')).toContainText('blocking issue');
    await editor.page.screenshot({ path: 'test-results/screens/vs-weights-90.png' });
    // The slider's "Scale to 100" fixes it.
    await editor.slider('split').getByRole('button', { name: 'Scale to 100' }).click();
    await expect(editor.slider('split')).toHaveAttribute('data-weights', '89/11');
    await expect(editor.findings('GSC0001')).toHaveCount(0);
  });

  test('an unknown Gateway gives an IST0101 error on that gateway and disables Apply', async () => {
    await editor.field('spec.gateways').getByRole('button', { name: '+ Add gateway' }).click();
    await editor.input('spec.gateways[1]').fill('istio-system/no-such-gateway');
    await expect(editor.fieldErrors('spec.gateways[1]', 'IST0101')).toContainText('no-such-gateway');
    await expect(editor.findings('IST0101').first().getByRole('link', { name: 'IST0101' })).toHaveAttribute('href', /istio\.io/);
    await expect(editor.applyButton).toBeDisabled();
  });

  test('malformed YAML shows the parser message and line and leaves the form as it was', async ({ page }) => {
    const text = await editor.yamlText();
    await editor.yaml.fill(text.replace('  hosts:\n    - web.example.com', '  hosts:\n    - web.example.com\n   - [broken'));
    await expect(page.getByTestId('yaml-error')).toContainText(/Line \d+/);
    await expect(editor.input('spec.hosts[0]')).toHaveValue('web.example.com');
    await expect(editor.applyButton).toBeDisabled();
    // Valid YAML flows back into the form.
    await editor.yaml.fill(text.replace('web.example.com', 'www.example.com'));
    await expect(page.getByTestId('yaml-error')).toHaveCount(0);
    await expect(editor.input('spec.hosts[0]')).toHaveValue('www.example.com');
    // …and a form edit flows into the YAML.
    await editor.input('spec.http[0].name').fill('version-one');
    await expect(editor.yaml).toHaveValue(/- name: version-one/);
  });

  test("the server's refusals land on their fields: 422 causes, and strict decoding's unknown fields", async ({ page }) => {
    const text = await editor.yamlText();
    await editor.yaml.fill(text.replace('    - name: v1\n', '    - name: v1\n      timeout: 5\n'));
    await expect(editor.input('spec.http[0].timeout')).toHaveValue('5');
    await expect(editor.applyButton).toBeDisabled();
    await editor.dryRunButton.click();
    const failed = page.getByTestId('apply-failed');
    await expect(failed).toContainText('422');
    await expect(failed.getByRole('listitem').filter({ hasText: 'spec.http[0].timeout' })).toContainText('must be of type string');
    await expect(editor.fieldErrors('spec.http[0].timeout').first()).toContainText('must be of type string');
    await editor.screenshot('vs-server-422');

    // A field Istio's schema does not know (a typo): blocked here, refused by the server too (fieldValidation=Strict).
    await editor.yaml.fill(text.replace('    - name: v1\n', '    - name: v1\n      timeoutt: 5s\n'));
    await expect(editor.findings('UnknownField')).toHaveCount(1);
    await expect(editor.applyButton).toBeDisabled();
    await editor.dryRunButton.click();
    await expect(page.getByTestId('apply-failed')).toContainText('timeoutt');
    await expect(editor.findings().and(page.locator('[data-path="spec.http[0].timeoutt"]:not([data-code="UnknownField"])'))).toHaveCount(1);
  });

  test('routes reorder by keyboard and by drag, and the order shows in the YAML and the diff', async ({ page }) => {
    const routes = page.getByTestId('http-routes').getByTestId('ordered-item');
    await expect(routes).toHaveCount(3);
    const down = page.getByRole('button', { name: 'Move HTTP route "v1" down' });
    await down.focus();
    await page.keyboard.press('Enter');
    await expect(routes.nth(1)).toHaveAttribute('data-label', '"v1"');
    // Focus follows the moved route, so Enter again moves it once more.
    await page.keyboard.press('Enter');
    await expect(routes.nth(2)).toHaveAttribute('data-label', '"v1"');
    await expect(editor.yaml).toHaveValue(/- name: v2[\s\S]*- name: split[\s\S]*- name: v1/);
    // Drag "v1" back to the top (routes collapsed, so both ends of the drag are in view).
    for (let k = 0; k < 3; k++) await page.getByRole('button', { name: /^Collapse HTTP route/ }).first().click();
    await routes.nth(2).locator('[draggable="true"]').dragTo(routes.nth(0));
    await expect(routes.nth(0)).toHaveAttribute('data-label', '"v1"');
    await expect(editor.yaml).toHaveValue(/- name: v1[\s\S]*- name: v2[\s\S]*- name: split/);
    await page.getByRole('button', { name: 'Move HTTP route "split" up' }).click();
    const diff = await editor.showDiff();
    await expect(diff.getByTestId('diff-line').first()).toHaveAttribute('data-op', 'reorder');
  });
});
