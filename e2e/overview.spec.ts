import { expect, test, type Page } from '@playwright/test';
import { apiServerOutage, hasKubectl, kubectl, kubectlCreate } from './support/kubectl';

const nodes = (page: Page, stage: string) => page.locator(`[data-testid=topology-node][data-stage=${stage}]`);
const node = (page: Page, id: string) => page.locator(`[data-testid=topology-node][data-node-id="${id}"]`);

async function labels(page: Page, stage: string): Promise<string[]> {
  return (await nodes(page, stage).allInnerTexts()).map((t) => t.split('\n')[0]!.replace(/^[✖⚠]\s*/, '').trim()).sort();
}

test.describe('overview', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await expect(nodes(page, 'pod').first()).toBeVisible();
  });

  test('every stage of the default scenario is on the request path', async ({ page }) => {
    await expect(nodes(page, 'client')).toHaveCount(1);
    expect(await labels(page, 'loadBalancer')).toEqual(['127.0.0.1:3306', '127.0.0.1:443', '127.0.0.1:80']);
    expect(await labels(page, 'nodePort')).toEqual(['127.0.0.1:30000', '127.0.0.1:30306', '127.0.0.1:30443']);
    const gwPods = await labels(page, 'gatewayPod');
    expect(gwPods).toHaveLength(2);
    for (const p of gwPods) expect(p).toMatch(/^istio-ingressgateway-/);
    await expect(nodes(page, 'gatewayPod').filter({ hasText: 'ready' })).toHaveCount(2);
    expect(await labels(page, 'gatewayServer')).toEqual(['default-gateway · HTTP 80 · *', 'default-gateway · HTTPS SIMPLE 443 · *', 'default-gateway · TCP 3306 · *', 'httpbin-gateway · HTTP 80 · httpbin.example.com']);
    expect(await labels(page, 'virtualService')).toEqual(['counter', 'httpbin', 'mysql', 'web-service']);
    expect(await labels(page, 'route')).toEqual(['counter', 'http[0]', 'split', 'tcp[0]', 'v1', 'v2']);
    await expect(node(page, 'route:default/web-service:http[2]')).toContainText('v1 80%');
    await expect(node(page, 'route:default/web-service:http[2]')).toContainText('v2 20%');
    const weights = await page.locator('.react-flow__edge-text').allTextContents();
    expect(weights).toEqual(expect.arrayContaining(['80%', '20%']));
    expect(await labels(page, 'service')).toEqual(['default/counter', 'default/httpbin', 'default/mysql', 'default/web-service']);
    expect(await labels(page, 'subset')).toEqual(['v1', 'v2']);
    const pods = await labels(page, 'pod');
    for (const prefix of ['counter-', 'httpbin-', 'httpd-v1-', 'httpd-v2-', 'mysql-']) expect(pods.some((p) => p.startsWith(prefix)), `${prefix} in ${pods}`).toBe(true);
    await expect(page.locator('[data-testid=topology-node][data-health=error]')).toHaveCount(0);
    await expect(page.getByTestId('stage-headers')).toContainText('Gateway server');
  });

  test('a node opens the side panel with its fields, YAML and a link to its editor', async ({ page }) => {
    await node(page, 'virtualService:default/web-service').click();
    const panel = page.getByTestId('side-panel');
    await expect(panel).toContainText('web.example.com');
    await expect(panel.getByTestId('node-yaml')).toContainText('kind: VirtualService');
    await expect(panel.getByTestId('edit-link')).toHaveAttribute('href', '/virtualservices/default/web-service');
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
  });

  test('filters and search narrow the graph', async ({ page }) => {
    await page.getByLabel('Filter by Protocol').selectOption('TCP');
    await expect(nodes(page, 'route')).toHaveCount(1);
    await expect(nodes(page, 'route')).toContainText('tcp[0]');
    await page.getByLabel('Filter by Protocol').selectOption('');
    await page.getByLabel('Search nodes').fill('httpbin');
    await expect(nodes(page, 'virtualService')).toHaveCount(1);
    await page.getByLabel('Search nodes').fill('no-such-thing');
    await expect(page.getByText('No node matches the filters.')).toBeVisible();
  });

  test.describe('live changes through kubectl', () => {
    test.skip(!hasKubectl, 'kubectl is not installed');

    test('kubectl scale shows the new pods within 2 s, without a reload', async ({ page }) => {
      const v1 = () => page.locator('[data-testid=topology-node][data-stage=pod]', { hasText: 'httpd-v1-' });
      await expect(v1()).toHaveCount(1);
      try {
        await kubectl('-n', 'default', 'scale', 'deploy/httpd-v1', '--replicas=3');
        await expect(v1()).toHaveCount(3, { timeout: 2_000 });
      } finally {
        await kubectl('-n', 'default', 'scale', 'deploy/httpd-v1', '--replicas=1');
      }
      await expect(v1()).toHaveCount(1, { timeout: 15_000 });
    });

    test('deleting the DestinationRule puts an error on the routes that use its subsets', async ({ page }) => {
      const saved = JSON.parse(await kubectl('-n', 'default', 'get', 'destinationrule', 'web-service', '-o', 'json')) as Record<string, { [k: string]: unknown }>;
      for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete saved.metadata![k];
      delete saved.status;
      try {
        await kubectl('-n', 'default', 'delete', 'destinationrule', 'web-service');
        for (const route of ['http[0]', 'http[1]', 'http[2]']) {
          await expect(node(page, `route:default/web-service:${route}`)).toHaveAttribute('data-health', 'error');
        }
        await node(page, 'route:default/web-service:http[2]').click();
        await expect(page.getByTestId('node-warnings')).toContainText('subset v1 is not defined');
        await expect(page.locator('.react-flow__edge path[style*="stroke-dasharray"]').first()).toBeAttached();
      } finally {
        await kubectlCreate(saved);
      }
      for (const route of ['http[0]', 'http[1]', 'http[2]']) await expect(node(page, `route:default/web-service:${route}`)).toHaveAttribute('data-health', 'ok');
    });
  });

  test('stopping the API server shows the banner; it recovers without a reload and without a relist', async ({ page, request }) => {
    test.skip(!hasKubectl, 'needs the sandbox kubeconfig');
    type Health = { cluster: { kinds: Record<string, { relists: number; reconnects: number }> } };
    const before = ((await (await request.get('/api/health')).json()) as Health).cluster.kinds;
    await apiServerOutage(4);
    const banner = page.getByTestId('cluster-banner');
    await expect(banner).toContainText('Disconnected from the Kubernetes API', { timeout: 15_000 });
    await expect(nodes(page, 'pod').first()).toBeVisible(); // the last known state stays on screen
    await expect(banner).toBeHidden({ timeout: 45_000 });
    const after = ((await (await request.get('/api/health')).json()) as Health).cluster.kinds;
    for (const [kind, s] of Object.entries(after)) {
      expect(s.relists, `${kind} relisted`).toBe(before[kind]!.relists);
      expect(s.reconnects, `${kind} reconnected`).toBeGreaterThan(before[kind]!.reconnects);
    }
    // and it is live again
    await kubectl('-n', 'default', 'annotate', 'deploy/counter', `e2e/outage=${Date.now()}`, '--overwrite');
  });
});
