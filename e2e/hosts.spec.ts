import { expect, test } from '@playwright/test';
import { deleteIfPresent } from './support/cluster';

const CSRF = { 'x-gatescope-csrf': '1', 'content-type': 'application/json' };

/** The troubleshooting scenario's planted mistake 23: a second Gateway claiming httpbin.example.com on port 80. */
const DUPLICATE_GATEWAY = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'httpbin-gateway', namespace: 'istio-system' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['httpbin.example.com'] }] },
};
/** And mistake 20: a VirtualService bound to a Gateway that does not exist. */
const SHOP = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { hosts: ['shop.example.com'], gateways: ['istio-system/shop-gateway'], http: [{ route: [{ destination: { host: 'web-service.default.svc.cluster.local', port: { number: 80 } } }] }] },
};

test('the host map shows who owns each host of the default scenario, and flags the planted conflict and orphan', async ({ page, request }) => {
  await page.goto('/hosts');
  await expect(page.getByRole('heading', { name: 'Hosts' })).toBeVisible();
  const workload = page.locator('[data-testid="host-workload"][data-workload="istio-system/istio-ingressgateway"]');
  await expect(workload).toBeVisible({ timeout: 20_000 });
  const row = (port: number, host: string) => workload.locator(`[data-testid="host-row"][data-port="${port}"][data-host="${host}"]`);

  await expect(row(80, '*').getByTestId('host-servers')).toContainText('istio-system/default-gateway');
  await expect(row(80, '*').getByTestId('host-virtualservices')).toHaveText('default/counter');
  await expect(row(80, 'web.example.com').getByTestId('host-servers')).toContainText('istio-system/default-gateway');
  await expect(row(80, 'web.example.com').getByTestId('host-virtualservices')).toHaveText('default/web-service');
  await expect(row(80, 'httpbin.example.com').getByTestId('host-servers')).toContainText('default/httpbin-gateway');
  await expect(row(80, 'httpbin.example.com').getByTestId('host-virtualservices')).toHaveText('default/httpbin');
  await expect(row(443, 'web.example.com')).toBeVisible();
  await expect(row(3306, '*').getByTestId('host-virtualservices')).toHaveText('default/mysql');
  await expect(page.getByTestId('count-conflicts')).toHaveText('0 conflicts');
  await expect(page.getByTestId('count-orphans')).toHaveText('0 orphans');
  await page.screenshot({ path: '/tmp/gatescope-hosts-default.png', fullPage: true });

  try {
    for (const [plural, obj] of [['gateways', DUPLICATE_GATEWAY], ['virtualservices', SHOP]] as const) {
      const res = await request.post(`/api/resources/${plural}`, { headers: CSRF, data: { draft: obj } });
      expect(res.status(), await res.text()).toBe(201);
    }
    const httpbin = row(80, 'httpbin.example.com');
    await expect(httpbin).toHaveAttribute('data-issues', /conflict/);
    await expect(httpbin.getByTestId('host-servers')).toContainText('istio-system/httpbin-gateway');
    await expect(httpbin.locator('[data-testid="host-issue"][data-kind="conflict"]')).toContainText(
      'Gateways default/httpbin-gateway and istio-system/httpbin-gateway both declare httpbin.example.com on port 80',
    );
    await expect(page.getByTestId('count-conflicts')).toHaveText('1 conflict');
    const orphan = page.locator('[data-testid="orphan-vs-host"][data-virtual-service="default/shop"]');
    await expect(orphan).toContainText('shop.example.com');
    await expect(orphan).toContainText('Gateway istio-system/shop-gateway does not exist');
    await expect(page.getByTestId('count-orphans')).toHaveText('1 orphan');
    await page.screenshot({ path: '/tmp/gatescope-hosts-conflict.png', fullPage: true });

    // "Only hosts with problems" narrows the table to the conflict.
    await page.getByLabel('Only hosts with problems').check();
    await expect(workload.getByTestId('host-row')).toHaveCount(1);
  } finally {
    await deleteIfPresent(request, 'gateways', 'istio-system', 'httpbin-gateway');
    await deleteIfPresent(request, 'virtualservices', 'default', 'shop');
  }
  await page.getByLabel('Only hosts with problems').uncheck();
  await expect(page.getByTestId('count-conflicts')).toHaveText('0 conflicts');
});
