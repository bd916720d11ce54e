/**
 * Acceptance (issue 5): starting from the `troubleshooting` scenario (the second webServer of
 * playwright.config.ts), fix each planted mistake (server/sandbox/scenarios/troubleshooting/2*.yaml)
 * through the forms — with the prefilled fixes where the Validation page offers one — until the
 * Validation page shows no finding. On the way: suppress a finding with a reason, see it in the
 * collapsed "suppressed" group, and unsuppress it.
 *
 * Two mistakes are not in objects gatescope edits: the missing TLS Secret (gatescope never writes
 * Secrets) is created with kubectl from the scenario's own test certificate, and the competing
 * Ingress is deleted with kubectl (the console has no Ingress list page).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { TROUBLESHOOTING_KUBECONFIG, TROUBLESHOOTING_PORT } from '../playwright.config';
import { EditorPage } from './pages/editor-page';
import { getObject } from './support/cluster';
import { hasKubectl, KUBECTL } from './support/kubectl';

test.use({ baseURL: `http://127.0.0.1:${TROUBLESHOOTING_PORT}` });
test.describe.configure({ mode: 'serial' });

const run = promisify(execFile);
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, ['--kubeconfig', TROUBLESHOOTING_KUBECONFIG, ...args], { timeout: 30_000 });
  return stdout;
}

/** A row of the Validation page's findings table by code and origin. */
function row(page: Page, code: string, origin: string) {
  return page.getByTestId('findings').locator(`[data-testid="finding"][data-code="${code}"]`).filter({ hasText: origin });
}

async function openValidation(page: Page): Promise<void> {
  await page.goto('/validation');
  await expect(page.getByRole('heading', { name: 'Validation' })).toBeVisible();
  await expect(page.getByTestId('findings').or(page.getByTestId('validation-clean'))).toBeVisible({ timeout: 20_000 });
}

/** Diff, server dry-run, apply: the editor's pipeline, as a user goes through it. */
async function reviewAndApply(editor: EditorPage, expectInDiff?: RegExp): Promise<void> {
  const diff = await editor.showDiff();
  await expect(diff).toBeVisible();
  if (expectInDiff) await expect(diff).toContainText(expectInDiff);
  await editor.dryRunButton.click();
  await expect(editor.page.getByTestId('dry-run-ok')).toBeVisible();
  await editor.apply();
  await expect(editor.page.getByTestId('applied')).toBeVisible();
}

test('the Validation page lists the planted mistakes, offers fixes, and suppresses with a reason', async ({ page, request }) => {
  await openValidation(page);
  await expect(row(page, 'IST0101', 'VirtualService default/shop')).toBeVisible();
  await expect(row(page, 'IST0101', 'VirtualService default/httpbin-admin')).toBeVisible();
  await expect(row(page, 'IST0145', 'Gateway istio-system/httpbin-gateway')).toBeVisible();
  await expect(row(page, 'GSC0004', 'Ingress default/web-legacy')).toBeVisible();
  // Obvious fixes are offered, with what they do.
  await expect(row(page, 'IST0101', 'VirtualService default/shop').getByTestId('fix-title')).toHaveText('Use Gateway istio-system/default-gateway');
  await expect(row(page, 'IST0101', 'VirtualService default/httpbin-admin').getByTestId('fix-title')).toHaveText('Use port 8000 of Service default/httpbin');
  // A delete is no patch: no Fix… there.
  await expect(row(page, 'IST0145', 'Gateway istio-system/httpbin-gateway').getByTestId('fix-button')).toHaveCount(0);

  // Suppress the conflict on the Gateway that stays, with a reason: kept as annotations.
  const kept = row(page, 'IST0145', 'Gateway default/httpbin-gateway');
  await kept.getByTestId('suppress-button').click();
  await kept.getByLabel('Reason for suppressing').fill('the istio-system copy is being removed');
  await kept.getByTestId('suppress-confirm').click();
  await expect(kept).toHaveCount(0);
  const group = page.getByTestId('suppressed-group');
  await expect(group).toContainText('1 suppressed finding');
  await group.locator('summary').click();
  const suppressed = group.getByTestId('suppressed-finding').filter({ hasText: 'Gateway default/httpbin-gateway' });
  await expect(suppressed.getByTestId('suppress-reason')).toHaveText(/Reason: the istio-system copy is being removed/);
  const gw = (await getObject(request, 'gateways', 'default', 'httpbin-gateway'))!;
  expect((gw.metadata.annotations as Record<string, string>)['galley.istio.io/analyze-suppress']).toBe('IST0145');
  expect(JSON.parse((gw.metadata.annotations as Record<string, string>)['gatescope.dev/suppress-reason']!)).toEqual({ IST0145: 'the istio-system copy is being removed' });
  await page.screenshot({ path: test.info().outputPath('validation-fix-and-suppressed.png'), fullPage: true });

  // Unsuppress: the finding is reported again, the annotations are gone.
  await suppressed.getByTestId('unsuppress-button').click();
  await expect(row(page, 'IST0145', 'Gateway default/httpbin-gateway')).toBeVisible();
  await expect(page.getByTestId('suppressed-group')).toHaveCount(0);
  await expect
    .poll(async () => (await getObject(request, 'gateways', 'default', 'httpbin-gateway'))!.metadata.annotations ?? {})
    .not.toHaveProperty('galley.istio.io/analyze-suppress');
});

test('fix each planted mistake through the forms until the Validation page is clean', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = new EditorPage(page);

  // 20: VirtualService bound to a Gateway that does not exist — the Validation page's Fix… opens
  // the editor with the reference replaced; nothing is applied until the pipeline runs.
  await openValidation(page);
  await row(page, 'IST0101', 'VirtualService default/shop').getByTestId('fix-button').click();
  await expect(page).toHaveURL(/\/virtualservices\/default\/shop\?fix=/);
  await expect(page.getByTestId('prefilled-fix-banner')).toContainText('Use Gateway istio-system/default-gateway');
  await expect(editor.yaml).toHaveValue(/- istio-system\/default-gateway/);
  expect((await getObject(request, 'virtualservices', 'default', 'shop'))!.spec!.gateways).toEqual(['istio-system/shop-gateway']);
  await reviewAndApply(editor, /istio-system\/default-gateway/);
  await expect.poll(async () => (await getObject(request, 'virtualservices', 'default', 'shop'))!.spec!.gateways).toEqual(['istio-system/default-gateway']);

  // 22: a destination port the Service does not have — the form's own findings list offers the fix.
  await editor.open('virtualservices', 'default', 'httpbin-admin');
  const portFinding = editor.findings('IST0101').filter({ hasText: 'host:port' });
  await expect(portFinding).toBeVisible();
  await portFinding.getByTestId('fix-button').click();
  await expect(editor.input('spec.http[0].route[0].destination.port.number')).toHaveValue('8000');
  await expect(editor.findings('IST0101')).toHaveCount(0);
  await reviewAndApply(editor, /8080[\s\S]*8000|8000[\s\S]*8080/);

  // 21: half of catalog goes to a subset with no pod — route 100 % to v1 in the form.
  await editor.open('virtualservices', 'default', 'catalog');
  await page.getByRole('button', { name: /^Remove destination 2 of route/ }).click();
  await editor.input('spec.http[0].route[0].weight').fill('100');
  await expect(editor.yaml).not.toHaveValue(/subset: v2/);
  await reviewAndApply(editor);
  await expect
    .poll(async () => ((await getObject(request, 'virtualservices', 'default', 'catalog'))!.spec!.http as Array<{ route: unknown[] }>)[0]!.route)
    .toEqual([expect.objectContaining({ destination: expect.objectContaining({ subset: 'v1' }), weight: 100 })]);

  // 23: the duplicate Gateway — deleted from the Gateways list (the copy in istio-system).
  await page.goto('/gateways');
  await page.getByRole('button', { name: 'Delete istio-system/httpbin-gateway' }).click();
  await page.getByTestId('delete-dialog').getByRole('button', { name: 'Delete httpbin-gateway' }).click();
  await expect.poll(async () => getObject(request, 'gateways', 'istio-system', 'httpbin-gateway')).toBeUndefined();

  // 24 and 25 are outside what gatescope writes: kubectl, as the scenario files say.
  test.skip(!hasKubectl, 'kubectl is not installed: the Secret and the Ingress cannot be fixed from here');
  const certs = JSON.parse(await kubectl('-n', 'istio-system', 'get', 'secret', 'istio-ingressgateway-certs', '-o', 'json')) as { data: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), 'e2e-secret-'));
  try {
    writeFileSync(
      join(dir, 'secret.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'secure-example-com-tls', namespace: 'istio-system' }, data: certs.data }),
    );
    await kubectl('create', '-f', join(dir, 'secret.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await kubectl('-n', 'default', 'delete', 'ingress', 'web-legacy');

  await openValidation(page);
  await expect(page.getByTestId('validation-clean')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('count-Error')).toHaveText('0 Errors');
  await expect(page.getByTestId('count-Warning')).toHaveText('0 Warnings');
});
