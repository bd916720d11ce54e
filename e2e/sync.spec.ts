/**
 * /sync against the sandbox: every gateway SYNCED and matching the resources at start; an apply
 * from the console is acknowledged by each gateway pod (rollout); with the sandbox's
 * reject-config fault on one pod, that pod shows NACK with Envoy's error and the drift check
 * names the route it lacks; "Restart pod" (confirmed) brings it back to SYNCED.
 */
import { expect, test, type Page } from '@playwright/test';
import { kubectl } from './support/kubectl';

const REJECT = 'sandbox.gatescope.dev/reject-config';

interface Vs {
  metadata: { resourceVersion: string };
  spec: { http: Array<{ name?: string; match?: unknown[]; route: unknown[] }> };
}

/** An apply from the console (as the editor does it): PUT { base, draft } with the CSRF header. */
async function applyFromConsole(page: Page, change: (vs: Vs) => void): Promise<void> {
  const url = '/api/resources/virtualservices/default/web-service';
  const base = (await (await page.request.get(url)).json()) as Vs;
  const draft = structuredClone(base);
  change(draft);
  // Sent from the page, as the editor sends it (same origin, CSRF header).
  const status = await page.evaluate(
    async ({ url, base, draft }) => (await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-gatescope-csrf': '1' }, body: JSON.stringify({ base, draft }) })).status,
    { url, base, draft },
  );
  expect(status).toBe(200);
}

const gatewayRows = (page: Page) => page.locator('[data-testid="proxy-row"][data-proxy^="istio-ingressgateway-"]');

async function expectAllSynced(page: Page) {
  await expect(gatewayRows(page)).toHaveCount(2, { timeout: 30_000 });
  for (const row of await gatewayRows(page).all()) {
    for (const t of ['CDS', 'LDS', 'EDS', 'RDS']) await expect(row.locator(`[data-xds="${t}"] [data-state]`)).toHaveAttribute('data-state', 'SYNCED', { timeout: 20_000 });
    for (const a of ['Listeners', 'Routes', 'Clusters']) await expect(row.locator(`[data-area="${a}"]`)).toHaveAttribute('data-match', 'match', { timeout: 20_000 });
  }
}

test('sync status, drift, NACK and restart on /sync', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/sync');
  await expect(page.getByRole('heading', { name: 'Sync', exact: true })).toBeVisible();
  await expect(page.getByTestId('istiod')).toContainText('istio-system/istiod-');
  await expectAllSynced(page);
  await page.screenshot({ path: '/tmp/sync-synced.png', fullPage: true });
  const api = (await (await page.request.get('/api/drift')).json()) as { pods: Array<{ drift?: { summary: string } }> };
  expect(api.pods.map((p) => p.drift?.summary)).toEqual(['Listeners Match / Routes Match / Clusters Match', 'Listeners Match / Routes Match / Clusters Match']);

  // An apply from the console: each gateway pod acknowledges it.
  await applyFromConsole(page, (vs) => {
    const split = vs.spec.http.find((h) => h.name === 'split') as { route: Array<{ weight: number }> };
    split.route[0]!.weight = 70;
    split.route[1]!.weight = 30;
  });
  const rollout = page.getByTestId('rollout').first();
  await expect(rollout).toContainText('VirtualService default/web-service');
  await expect(rollout).toHaveAttribute('data-done', 'true', { timeout: 10_000 });
  await expect(rollout.locator('[data-testid="rollout-pod"][data-state="acked"]')).toHaveCount(2);
  // Acknowledged by every gateway within 2 s of the apply (istiod's debounce included).
  const ackMs = Number(/acknowledged in (\d+) ms/.exec((await rollout.textContent()) ?? '')?.[1]);
  expect(ackMs).toBeLessThan(2000);

  // The fault: one gateway pod rejects every push.
  const proxies = await gatewayRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-proxy')!));
  const bad = proxies[0]!.replace(/\.istio-system$/, '');
  const good = proxies[1]!.replace(/\.istio-system$/, '');
  await kubectl('annotate', 'pod', '-n', 'istio-system', bad, `${REJECT}=true`, '--overwrite');
  await applyFromConsole(page, (vs) => {
    vs.spec.http.unshift({ name: 'canary', match: [{ uri: { prefix: '/canary' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
  });

  const badRow = page.locator(`[data-testid="proxy-row"][data-proxy="${bad}.istio-system"]`);
  await expect(badRow.locator('[data-xds="LDS"] [data-state]')).toHaveAttribute('data-state', 'NACK', { timeout: 10_000 });
  const badDetails = page.locator(`tr[data-proxy="${bad}.istio-system"] + tr`);
  await expect(badDetails.getByTestId('nack-error')).toContainText(/LDS rejected: .*rejected by the sandbox fault switch/);
  await expect(badDetails.getByTestId('drift-differences')).toContainText(
    `route canary of VirtualService default/web-service is missing from route configuration http.8080 on ${bad}`,
    { timeout: 10_000 },
  );
  await expect(badRow.locator('[data-area="Routes"]')).toHaveAttribute('data-match', 'differ');
  const newest = page.getByTestId('rollout').first();
  await expect(newest.locator(`[data-testid="rollout-pod"][data-state="nack"]`)).toContainText(bad);
  await expect(newest.locator(`[data-testid="rollout-pod"][data-state="acked"]`)).toContainText(good);
  await page.screenshot({ path: '/tmp/sync-nack.png', fullPage: true });

  // The topology shows it too: the gateway pod's node carries a NACK badge.
  const overview = await page.context().newPage();
  await overview.goto('/');
  await expect(overview.locator(`[data-node-id="gatewayPod:istio-system/${bad}"] [data-testid="proxy-sync-badge"]`)).toHaveAttribute('data-state', 'NACK', { timeout: 20_000 });
  await expect(overview.locator(`[data-node-id="gatewayPod:istio-system/${good}"] [data-testid="proxy-sync-badge"]`)).toHaveAttribute('data-state', 'SYNCED');
  await overview.screenshot({ path: '/tmp/sync-topology.png' });
  await overview.close();

  // The faulty pod's drift check in detail names the route it lacks.
  await badRow.getByTestId('show-config').click();
  await expect(page.getByTestId('drift-details').locator('[data-testid="drift-route"][data-state="missing"]').first()).toContainText('canary');
  await page.screenshot({ path: '/tmp/sync-drift-bad.png', fullPage: true });

  // The good pod's Envoy config has the new route; search narrows the table.
  await page.locator(`[data-proxy="${good}.istio-system"] [data-testid="show-config"]`).click();
  const config = page.getByTestId('envoy-config');
  // The drift check in detail first: every route of the resources, where Envoy holds it.
  await expect(config.getByTestId('drift-details')).toBeVisible();
  await expect(config.locator('[data-testid="drift-route"]').filter({ hasText: 'canary' }).first()).toHaveAttribute('data-state', 'match');
  await expect(config.locator('[data-testid="drift-route"][data-state="missing"]')).toHaveCount(0);
  await config.getByTestId('view-routes').click();
  await expect(config.getByTestId('config-routes')).toContainText('/canary*', { timeout: 10_000 });
  await config.getByLabel('Search the Envoy config').fill('canary');
  await expect(config.getByTestId('config-routes')).not.toContainText('/v1*');
  await page.screenshot({ path: '/tmp/sync-routes.png', fullPage: true });
  // The one admin POST: the Envoy log level, behind a confirmation.
  await config.getByLabel('Envoy log level').selectOption('debug');
  await config.getByTestId('log-level-set').click();
  await config.getByTestId('log-level-confirm').click();
  await expect(config.getByTestId('log-level')).toContainText(`every logger of ${good} is now at debug`);
  await config.getByTestId('view-raw').click();
  await expect(config.getByTestId('raw-config-dump')).toContainText('RoutesConfigDump');
  await page.screenshot({ path: '/tmp/sync-config.png', fullPage: true });

  // "Restart pod" behind its confirmation: the replacement gets a full push and matches again.
  await badRow.getByTestId('restart-pod').click();
  const dialog = page.getByTestId('restart-dialog');
  await expect(dialog).toContainText(`istio-system/${bad}`);
  await dialog.getByTestId('restart-confirm').click();
  await expect(page.getByTestId('notice')).toContainText(`pod istio-system/${bad} deleted`);
  await expect(badRow).toHaveCount(0, { timeout: 30_000 });
  await expectAllSynced(page);

  // Put the VirtualService back as the scenario has it.
  await applyFromConsole(page, (vs) => {
    vs.spec.http = vs.spec.http.filter((h) => h.name !== 'canary');
    const split = vs.spec.http.find((h) => h.name === 'split') as { route: Array<{ weight: number }> };
    split.route[0]!.weight = 80;
    split.route[1]!.weight = 20;
  });
  await expectAllSynced(page);
});
