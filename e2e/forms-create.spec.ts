import { expect, test } from '@playwright/test';
import { EditorPage } from './pages/editor-page';
import { deleteIfPresent, getObject, getThroughGateway, HTTP_NODE_PORT } from './support/cluster';

/**
 * From empty forms, the httpd v1/v2 setup of the scenario under new names: a Gateway for
 * forms.example.com on the gateway's port 80, a DestinationRule with two subsets of web-service,
 * and a VirtualService routing /v1 and /v2 to them. Then real HTTP through the NodePort.
 */
const NS = 'default';
const HOST = 'forms.example.com';

test.describe.configure({ mode: 'serial' });

test.afterAll(async ({ request }) => {
  await deleteIfPresent(request, 'virtualservices', NS, 'forms-web');
  await deleteIfPresent(request, 'destinationrules', NS, 'forms-web');
  await deleteIfPresent(request, 'gateways', NS, 'forms-gateway');
});

test('create the Gateway, DestinationRule and VirtualService from empty forms; /v1 and /v2 answer through the NodePort', async ({ page, request }) => {
  test.setTimeout(180_000);
  const editor = new EditorPage(page);

  // Gateway
  await editor.openNew('gateways');
  await editor.input('metadata.name').fill('forms-gateway');
  await expect(editor.input('metadata.namespace')).toHaveValue(NS);
  await page.getByRole('button', { name: /^\+ istio=ingressgateway/ }).click();
  await expect(editor.field('spec.selector').getByTestId('selector-count')).toContainText(/Selects [1-9]\d* pods?/);
  await expect(editor.input('spec.servers[0].port.number')).toHaveValue('80');
  await expect(page.getByTestId('gateway-service-ports')).toContainText('80 (http2');
  await editor.input('spec.servers[0].hosts[0]').fill(HOST);
  await expect(editor.page.getByTestId('findings-clean')).toBeVisible();
  await editor.screenshot('gateway-new');
  await editor.apply();
  await expect(page).toHaveURL(/\/gateways\/default\/forms-gateway\?created=1$/);
  await expect(page.getByTestId('created-banner')).toBeVisible();
  await editor.screenshot('gateway-created');

  // DestinationRule
  await editor.openNew('destinationrules');
  await editor.input('metadata.name').fill('forms-web');
  await editor.input('spec.host').fill('web-service.default.svc.cluster.local');
  for (const [i, version] of [
    [0, 'v1'],
    [1, 'v2'],
  ] as const) {
    await page.getByRole('button', { name: '+ Add subset' }).click();
    await editor.input(`spec.subsets[${i}].name`).fill(`forms-${version}`);
    const subset = editor.field(`spec.subsets[${i}]`);
    await subset.getByRole('button', { name: new RegExp(`^\\+ version=${version}`) }).click();
    await expect(subset.getByTestId('selector-count')).toHaveAttribute('data-count', '1');
  }
  await expect(editor.page.getByTestId('findings-clean')).toBeVisible();
  await editor.screenshot('destinationrule-new');
  await editor.apply();
  await expect(page).toHaveURL(/\/destinationrules\/default\/forms-web\?created=1$/);

  // VirtualService
  await editor.openNew('virtualservices');
  await editor.input('metadata.name').fill('forms-web');
  await editor.input('spec.hosts[0]').fill(HOST);
  await editor.input('spec.gateways[0]').fill('forms-gateway');
  for (const [i, version] of [
    [0, 'v1'],
    [1, 'v2'],
  ] as const) {
    await page.getByRole('button', { name: '+ Add HTTP route' }).click();
    const r = `spec.http[${i}]`;
    await editor.input(`${r}.name`).fill(version);
    await editor.field(`${r}.match[0].uri`).getByLabel('URI', { exact: true }).fill(`/${version}`);
    await editor.input(`${r}.route[0].destination.host`).fill('web-service');
    await editor.input(`${r}.route[0].destination.subset`).fill(`forms-${version}`);
    await editor.field(`${r}.rewrite`).locator('summary').click();
    await editor.input(`${r}.rewrite.uri`).fill('/');
  }
  await expect(editor.page.getByTestId('findings-clean')).toBeVisible();
  await expect(editor.yaml).toHaveValue(/subset: forms-v2/);
  await editor.screenshot('virtualservice-new');
  await editor.apply();
  await expect(page).toHaveURL(/\/virtualservices\/default\/forms-web\?created=1$/);
  expect((await getObject(request, 'virtualservices', NS, 'forms-web'))?.spec?.gateways).toEqual(['forms-gateway']);

  // Real traffic through the gateway's NodePort, with the new host.
  for (const version of ['v1', 'v2']) {
    await expect
      .poll(
        async () => {
          try {
            const r = await getThroughGateway(`/${version}`, HOST);
            return `${r.status} ${r.body.trim()}`;
          } catch (e) {
            return `no answer on NodePort ${HTTP_NODE_PORT}: ${(e as Error).message}`;
          }
        },
        { timeout: 30_000 },
      )
      .toBe(`200 <html><body><h1>This is version ${version.toUpperCase()}!</h1></body></html>`);
  }

  // Delete the VirtualService from its list, behind the confirmation that names it.
  await page.goto('/virtualservices');
  const row = page.locator('[data-testid="resource-row"][data-name="forms-web"]');
  await expect(row.getByTestId('findings-badge')).toHaveAttribute('data-count', '0');
  await row.getByRole('button', { name: 'Delete default/forms-web' }).click();
  const dialog = page.getByTestId('delete-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Delete VirtualService default/forms-web?');
  await editor.screenshot('virtualservice-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete forms-web' }).click();
  await expect(row).toHaveCount(0);
  await expect.poll(async () => getObject(request, 'virtualservices', NS, 'forms-web')).toBeUndefined();
});
