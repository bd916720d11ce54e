/**
 * Prefilled fixes from the editor's own findings list, when the fix is in another object: a
 * VirtualService naming a subset no DestinationRule defines opens the DestinationRule's editor
 * with the subset added — prefilled, not applied — while the VirtualService's draft is kept.
 */
import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';
import { getObject } from './support/cluster';

test('a missing subset is fixed in the DestinationRule, prefilled and not applied', async ({ page, request }) => {
  test.setTimeout(120_000);
  const vsBefore = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  const drBefore = (await getObject(request, 'destinationrules', 'default', 'web-service'))!;
  const editor = new EditorPage(page);
  await editor.open('virtualservices', 'default', 'web-service');
  await expect(page.getByTestId('findings-clean')).toBeVisible();

  // Name a subset that does not exist (through the YAML pane: the form's subset picker offers only existing ones).
  const yaml = await editor.yamlText();
  await editor.yaml.fill(yaml.replace('subset: v2', 'subset: v3'));
  const finding = editor.findings('IST0101').filter({ hasText: 'host+subset' }).first();
  await expect(finding).toBeVisible();
  await expect(finding).toContainText('Add subset v3 (version: v3) to DestinationRule default/web-service');
  await finding.getByTestId('fix-button').click();

  await expect(page).toHaveURL(/\/destinationrules\/default\/web-service\?fix=/);
  await expect(page.getByTestId('prefilled-fix-banner')).toContainText('Add subset v3');
  await expect(editor.yaml).toHaveValue(/- name: v3\s+labels:\s+version: v3/);
  const diff = await editor.showDiff();
  await expect(diff.locator('[data-path="spec.subsets[2]"]')).toBeVisible();
  // Nothing was written: the user still goes through dry-run and apply.
  expect((await getObject(request, 'destinationrules', 'default', 'web-service'))!.metadata.resourceVersion).toBe(drBefore.metadata.resourceVersion);
  await page.getByTestId('prefilled-fix-banner').getByRole('button', { name: 'Discard it' }).click();
  await expect(page.getByTestId('prefilled-fix-banner')).toHaveCount(0);

  // The VirtualService's draft is still there when the user comes back.
  await editor.open('virtualservices', 'default', 'web-service');
  await expect(editor.yaml).toHaveValue(/subset: v3/);
  await page.getByTestId('apply-bar').getByRole('button', { name: 'Discard draft' }).click();
  await page.getByTestId('apply-bar').getByRole('button', { name: 'Discard', exact: true }).click();
  expect((await getObject(request, 'virtualservices', 'default', 'web-service'))!.metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);
});

test('a finding suppressed in the editor goes into the draft as annotations, nothing applied', async ({ page, request }) => {
  test.setTimeout(120_000);
  const before = (await getObject(request, 'virtualservices', 'default', 'web-service'))!;
  const editor = new EditorPage(page);
  await editor.open('virtualservices', 'default', 'web-service');
  await expect(page.getByTestId('findings-clean')).toBeVisible();
  const yaml = await editor.yamlText();
  await editor.yaml.fill(yaml.replace('subset: v2', 'subset: v3'));
  const finding = editor.findings('IST0101').filter({ hasText: 'host+subset' }).first();
  await finding.getByTestId('suppress-in-draft').click();
  await finding.getByLabel('Reason for suppressing IST0101').fill('v3 ships tomorrow');
  await finding.getByRole('button', { name: 'Suppress in draft' }).click();
  await expect(editor.findings('IST0101')).toHaveCount(0);
  await expect(editor.yaml).toHaveValue(/galley\.istio\.io\/analyze-suppress: IST0101/);
  await expect(editor.yaml).toHaveValue(/gatescope\.dev\/suppress-reason: .*v3 ships tomorrow/);
  await page.getByTestId('apply-bar').getByRole('button', { name: 'Discard draft' }).click();
  await page.getByTestId('apply-bar').getByRole('button', { name: 'Discard', exact: true }).click();
  expect((await getObject(request, 'virtualservices', 'default', 'web-service'))!.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
});
