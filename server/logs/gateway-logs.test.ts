/**
 * GatewayLogs against a real sandbox with its data plane: every gateway pod followed through the
 * API, requests sent through the LoadBalancer appear once each, a cut follow stream resumes
 * (sinceTime) without duplicates and with the gap counted, a restarted container and a replaced
 * pod keep their lines flowing, and the observed web-service split follows its 80/20 weights.
 */
import { request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import { ClusterCache } from '../kube/cache';
import { TopologyService } from '../topology/service';
import { GatewayLogs } from './gateway-logs';
import { enableAccessLog, previewEnableAccessLog } from './mesh-access-log-write';
import { KubeApiError } from '../kube/transport';
import type { LogRecord } from '../../lib/logs/record';

const NS = 'istio-system';

function get(port: number, path: string, host: string, address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, headers: { host }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('GatewayLogs against the sandbox', () => {
  let sb: RunningSandbox;
  let cache: ClusterCache;
  let logs: GatewayLogs;
  const records: LogRecord[] = [];
  let lbPort: number;
  let run = 0;
  let kc: KubeConfig;

  /**
   * Sends `n` requests with unique paths; resolves to the paths that got an answer (a request
   * cut by a restarting gateway is not expected in the log).
   */
  let sent = 0;
  const send = async (n: number, prefix: string, host = 'web.example.com') => {
    const paths: string[] = [];
    for (let i = 0; i < n; i++) {
      const path = `/?probe=${prefix}-${run}-${sent++}`;
      const ok = await get(lbPort, path, host).then(
        () => true,
        () => false,
      );
      if (ok) paths.push(path);
    }
    return paths;
  };
  const countByPath = () => {
    const m = new Map<string, number>();
    for (const r of records) if (r.entry?.path?.includes('probe=')) m.set(r.entry.path, (m.get(r.entry.path) ?? 0) + 1);
    return m;
  };
  const allSeenOnce = async (paths: string[], what: string) => {
    await until(() => paths.every((p) => countByPath().has(p)), what, 15_000);
    const counts = countByPath();
    for (const p of paths) expect(counts.get(p), p).toBe(1);
  };
  const gatewayPods = () => cache.list<{ metadata: { name: string; namespace?: string; labels?: Record<string, string> } }>('pods').filter((p) => p.metadata.namespace === NS && p.metadata.labels?.['istio'] === 'ingressgateway');

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset() });
    lbPort = 80 + sb.portOffset;
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    cache = new ClusterCache(kc, { coalesceMs: 10 });
    cache.start();
    await cache.waitForSync();
    const topology = new TopologyService(cache);
    logs = new GatewayLogs(kc, cache, { topology: () => topology.current().view.nodes, minBackoffMs: 50 });
    logs.onRecords((b) => records.push(...b));
    logs.start();
  });
  afterAll(async () => {
    logs?.stop();
    cache?.stop();
    await sb?.close();
  });

  const ready = async () => {
    await until(() => gatewayPods().length === 2 && logs.status().pods.length === 2 && logs.status().pods.every((p) => p.state === 'following'), 'two followed gateway pods', 20_000);
    // Until the gateways have their routes, requests may 404; wait for a routed answer first.
    await until(async () => (await get(lbPort, '/', 'web.example.com')) === 200, 'a routed request', 20_000);
  };

  it('follows every gateway pod and shows each request once, parsed and attributed', async () => {
    await ready();
    const paths = await send(20, 'basic');
    await allSeenOnce(paths, 'the 20 requests in the followed logs');
    const r = records.find((x) => x.entry?.path === paths[0])!;
    expect(r.kind).toBe('access');
    expect(r.pod).toMatch(/^istio-system\/istio-ingressgateway-/);
    expect(r.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    expect(r.entry).toMatchObject({ method: 'GET', authority: 'web.example.com', routeName: 'split' });
    expect(r.routeId).toBe('route:default/web-service:http[2]');
    expect(r.subsetId).toMatch(/^subset:web-service\.default\.svc\.cluster\.local:v[12]$/);
    // httpbin's VirtualService routes only /status and /delay: anything else is 404 NR at the gateway.
    const nr = await send(1, 'nr', 'httpbin.example.com');
    await allSeenOnce(nr, 'the NR line');
    expect(records.find((x) => x.entry?.path === nr[0])!.entry).toMatchObject({ responseCode: 404, responseFlags: 'NR' });
  });

  it('resumes a cut follow stream with sinceTime: no line lost, none twice, the gap counted', async () => {
    run++;
    await ready();
    const before = logs.status();
    const gapsBefore = before.totals.gaps;
    for (const p of gatewayPods()) expect(sb.kubelet.cutLogFollows(NS, p.metadata.name)).toBeGreaterThanOrEqual(1);
    // Lines written while the streams are cut come back after the resume.
    const paths = await send(30, 'cut');
    await allSeenOnce(paths, 'the 30 requests sent around the cut');
    await until(() => logs.status().totals.gaps >= gapsBefore + 2, 'both gaps counted', 5_000);
    const st = logs.status();
    expect(st.pods.every((p) => p.resumes >= 1)).toBe(true);
    // Every line arrived once overall (earlier ones included).
    const dup = [...countByPath()].filter(([, n]) => n > 1);
    expect(dup).toEqual([]);
  });

  it('keeps following a restarted container (previous read once) and a replaced pod', async () => {
    run++;
    await ready();
    const [first] = gatewayPods();
    await sb.kubelet.restartContainer(NS, first!.metadata.name);
    const paths = await send(20, 'restart');
    await allSeenOnce(paths, 'requests after a container restart');
    await until(() => logs.status().pods.find((p) => p.pod === `${NS}/${first!.metadata.name}`)!.restarts >= 1, 'the restart noticed', 10_000);

    // Delete a pod: the Deployment replaces it and its lines appear without anything else.
    const victim = gatewayPods()[1]!.metadata.name;
    sb.store.delete('core/pods', NS, victim);
    await until(() => {
      const pods = logs.status().pods;
      return pods.length === 2 && !pods.some((p) => p.pod === `${NS}/${victim}`) && pods.every((p) => p.state === 'following');
    }, 'the replacement pod followed', 20_000);
    const replacement = logs.status().pods.find((p) => p.pod !== `${NS}/${first!.metadata.name}`)!.pod;
    // Straight to the replacement pod (pod IPs are on loopback): its lines must show up.
    const podIp = () => cache.get<{ metadata: { name: string }; status?: { podIP?: string } }>('pods', NS, replacement.slice(NS.length + 1))?.status?.podIP;
    await until(() => podIp(), 'the replacement pod IP', 15_000);
    const direct: string[] = [];
    await until(async () => {
      const path = `/?probe=replacement-${run}-${sent++}`;
      if ((await get(8080, path, 'web.example.com', podIp())) === 200) direct.push(path);
      return direct.length >= 3;
    }, 'answers from the replacement pod', 15_000);
    await allSeenOnce(direct, 'the replacement pod lines');
    expect(direct.every((p) => records.find((r) => r.entry?.path === p)!.pod === replacement)).toBe(true);
    const dup = [...countByPath()].filter(([, n]) => n > 1);
    expect(dup).toEqual([]);
  });

  it('observes the web-service split near its configured 80/20', async () => {
    run++;
    const before = logs.traffic.snapshot(Date.now(), 900).routes.find((r) => r.routeId === 'route:default/web-service:http[2]');
    const n0 = before?.n ?? 0;
    await send(300, 'split');
    await until(() => (logs.traffic.snapshot(Date.now(), 900).routes.find((r) => r.routeId === 'route:default/web-service:http[2]')?.n ?? 0) >= n0 + 300, 'the split lines counted', 15_000);
    const split = logs.traffic.snapshot(Date.now(), 900, { seriesStep: 10 }).routes.find((r) => r.routeId === 'route:default/web-service:http[2]')!;
    const v1 = split.destinations.find((d) => d.subset === 'v1')!;
    expect(v1.configured).toBe(80);
    expect(Math.abs(v1.observed! - 80)).toBeLessThan(8);
    expect(split.rps).toBeGreaterThan(0);
    expect(v1.p50).toBeDefined();
  });

  it('says when access logging is off in the mesh config, and turns it on with the previewed change', async () => {
    run++;
    await ready();
    sb.store.mutate('core/configmaps', 'istio-system', 'istio', (cm) => {
      const data = cm['data'] as Record<string, string>;
      data['mesh'] = data['mesh']!.replace(/^accessLogFile: .*\n/m, '');
    });
    await until(() => logs.status().mesh.enabled === false, 'access logging seen as off', 10_000);
    expect(logs.status().mesh).toMatchObject({ enabled: false, source: 'configmap' });
    const preview = previewEnableAccessLog(cache);
    expect(preview.enabled).toBe(false);
    expect(preview.after).toMatch(/^accessLogFile: \/dev\/stdout$/m);
    expect(preview.before).not.toMatch(/accessLogFile/);
    // A stale resourceVersion is refused (someone changed it since the preview).
    await expect(enableAccessLog(kc, '1')).rejects.toSatisfy((e: unknown) => e instanceof KubeApiError && e.statusCode === 409);
    await enableAccessLog(kc, preview.resourceVersion!);
    await until(() => logs.status().mesh.enabled === true, 'access logging seen as on', 10_000);
    await until(async () => {
      const paths = await send(1, 'back-on');
      return records.some((r) => r.entry?.path === paths[0]);
    }, 'lines again after turning access logging on', 15_000);
  });

  it('reads JSON access logs after the mesh config switches accessLogEncoding to JSON', async () => {
    run++;
    await ready();
    sb.store.mutate('core/configmaps', 'istio-system', 'istio', (cm) => {
      const data = cm['data'] as Record<string, string>;
      data['mesh'] = `accessLogEncoding: JSON\n${data['mesh']}`;
    });
    await until(() => logs.status().mesh.encoding === 'JSON', 'the JSON encoding seen', 10_000);
    let json: LogRecord | undefined;
    await until(async () => {
      const [path] = await send(1, 'json');
      json = records.find((r) => r.entry?.path === path && r.entry?.format === 'istio-json');
      return json;
    }, 'a JSON access-log line', 15_000);
    expect(json!.raw.startsWith('{')).toBe(true);
    expect(json).toMatchObject({ kind: 'access', routeId: 'route:default/web-service:http[2]', entry: { method: 'GET', authority: 'web.example.com', responseCode: 200, routeName: 'split' } });
  });
});
