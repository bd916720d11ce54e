import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';

/** Every page of the form-based editor, as a platform engineer first sees it; screenshots for review. */
test('the list pages show the live objects with their findings and actions', async ({ page }) => {
  for (const [plural, name] of [
    ['gateways', 'default-gateway'],
    ['virtualservices', 'web-service'],
    ['destinationrules', 'web-service'],
  ] as const) {
    await page.goto(`/${plural}`);
    const row = page.locator(`[data-testid="resource-row"][data-name="${name}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('findings-badge')).toBeVisible();
    await expect(row.getByRole('link', { name: /^Edit / })).toBeVisible();
    await expect(row.getByRole('link', { name: /^Clone / })).toBeVisible();
    await expect(row.getByRole('button', { name: /^Delete / })).toBeVisible();
    await page.screenshot({ path: `test-results/screens/list-${plural}.png` });
  }
});

test('the editors of the scenario objects open clean, with the YAML beside the form', async ({ page }) => {
  const editor = new EditorPage(page);
  for (const [plural, ns, name] of [
    ['gateways', 'istio-system', 'default-gateway'],
    ['virtualservices', 'default', 'web-service'],
    ['destinationrules', 'default', 'web-service'],
  ] as const) {
    await editor.open(plural, ns, name);
    await expect(page.getByTestId('findings-clean')).toBeVisible();
    await expect(editor.yaml).toHaveValue(new RegExp(`name: ${name}`));
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'same');
    await editor.screenshot(`edit-${plural}`);
  }
  // The weighted route of web-service, with its split slider.
  await editor.open('virtualservices', 'default', 'web-service');
  await editor.slider('split').scrollIntoViewIfNeeded();
  await editor.screenshot('edit-virtualservices-split');
  // The TLS server of the default Gateway.
  await editor.open('gateways', 'istio-system', 'default-gateway');
  await editor.field('spec.servers[1]').scrollIntoViewIfNeeded();
  await expect(editor.input('spec.servers[1].tls.mode')).toHaveValue('SIMPLE');
  await expect(editor.input('spec.servers[1].tls.serverCertificate')).toHaveValue('/etc/istio/ingressgateway-certs/tls.crt');
  await editor.screenshot('edit-gateways-tls');
});

test('clone prefills a new object under a new name', async ({ page }) => {
  const editor = new EditorPage(page);
  await page.goto('/destinationrules/new?from=default%2Fweb-service');
  await expect(editor.input('metadata.name')).toHaveValue('web-service-copy');
  await expect(editor.input('spec.subsets[1].name')).toHaveValue('v2');
  await expect(editor.yaml).not.toHaveValue(/resourceVersion/);
  await expect(editor.applyButton).toBeEnabled();
  await editor.screenshot('clone-destinationrule');
});

test('a user who may not update the object gets a read-only form with the reason', async ({ page }) => {
  await page.route('**/api/access?*', (route) =>
    route.fulfill({ json: { allowed: false, deniedBy: 'rbac', reason: 'RBAC: user "dev" cannot update virtualservices in namespace "default"' } }),
  );
  const editor = new EditorPage(page);
  await editor.open('virtualservices', 'default', 'web-service');
  await expect(page.getByTestId('read-only-banner')).toContainText('cannot update virtualservices');
  await expect(editor.input('spec.hosts[0]')).toBeDisabled();
  await expect(editor.yaml).toHaveAttribute('readonly', '');
  await expect(editor.slider('split').getByRole('slider')).toHaveAttribute('aria-disabled', 'true');
  await expect(editor.applyButton).toBeDisabled();
  await editor.screenshot('edit-read-only');
});
