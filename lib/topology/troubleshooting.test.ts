/**
 * Every mistake planted in the sandbox's `troubleshooting` scenario shows as a warning on the node
 * where it lives (and only the planted ones: the rest of the graph is healthy).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology } from './build';
import { scenarioSnapshot } from './fixtures/scenario';

const dir = join(__dirname, '../../server/sandbox/scenarios/troubleshooting');
const texts = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));
const t = buildTopology(scenarioSnapshot(texts, { loadBalancerIP: '127.0.0.1' }));
const warned = Object.fromEntries(t.nodes.filter((n) => n.warnings.length).map((n) => [n.id, { health: n.health, warnings: n.warnings }]));

describe('the troubleshooting scenario on the topology', () => {
  it.each([
    ['20 VirtualService bound to a missing Gateway', 'virtualService:default/shop', 'error', /names Gateway istio-system\/shop-gateway, which does not exist/],
    ['21 subset without pods', 'subset:catalog.default.svc.cluster.local:v2', 'error', /subset v2 selects no pods of Service default\/catalog/],
    ['22 destination port the Service lacks', 'route:default/httpbin-admin:http[0]', 'error', /Service default\/httpbin has no port 8080 \(its ports: 8000\)/],
    ['23 duplicate Gateway (IST0145)', 'gatewayServer:istio-system/httpbin-gateway#0', 'warning', /Gateway default\/httpbin-gateway also claims httpbin.example.com on port 80/],
    ['23 duplicate Gateway, the other side', 'gatewayServer:default/httpbin-gateway#0', 'warning', /Gateway istio-system\/httpbin-gateway also claims/],
    ['24 missing credentialName Secret', 'gatewayServer:istio-system/secure-gateway#0', 'error', /credentialName secure-example-com-tls: no Secret istio-system\/secure-example-com-tls/],
    ['25 Ingress of class istio on the same host', 'virtualService:default/web-service', 'warning', /Ingress default\/web-legacy \(class istio\) also routes web.example.com/],
  ])('%s → %s', (_what, id, health, message) => {
    expect(warned[id], `warnings: ${JSON.stringify(warned, null, 1)}`).toBeDefined();
    expect(warned[id]!.health).toBe(health);
    expect(warned[id]!.warnings.join('\n')).toMatch(message);
  });

  it('warns nowhere else', () => {
    expect(Object.keys(warned).sort()).toEqual(
      [
        'virtualService:default/shop',
        'subset:catalog.default.svc.cluster.local:v2',
        'route:default/httpbin-admin:http[0]',
        'gatewayServer:istio-system/httpbin-gateway#0',
        'gatewayServer:default/httpbin-gateway#0',
        'gatewayServer:istio-system/secure-gateway#0',
        'virtualService:default/web-service',
      ].sort(),
    );
  });

  // shop's VirtualService binds no existing Gateway, so no path reaches it at all; the duplicate
  // httpbin-gateway has no VirtualService of its own, so its path ends there (404 NR).
  it('marks the paths that stop at a broken link', () => {
    const broken = t.paths.filter((p) => p.broken).map((p) => `${p.broken!.stage}:${p.broken!.node}`);
    expect(new Set(broken)).toEqual(
      new Set([
        'gatewayServer:gatewayServer:istio-system/httpbin-gateway#0',
        'subset:subset:catalog.default.svc.cluster.local:v2',
        'route:route:default/httpbin-admin:http[0]',
        'gatewayServer:gatewayServer:istio-system/secure-gateway#0',
      ]),
    );
  });
});
