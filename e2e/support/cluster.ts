/**
 * The cluster as another client sees it, through the console's own REST API (the test cannot
 * reach the sandbox's kubeconfig): read objects, write them with a fresh base (a concurrent
 * editor), delete what a spec created, and send HTTP through the gateway's NodePort.
 */
import { request as httpRequest } from 'node:http';
import { expect, type APIRequestContext } from '@playwright/test';

/** Data-plane ports of the e2e sandbox are moved by this offset (playwright.config.ts). */
export const PORT_OFFSET = Number(process.env.GATESCOPE_E2E_PORT_OFFSET ?? 10000);
/** The gateway Service's HTTP NodePort (30000 in the scenario). */
export const HTTP_NODE_PORT = 30000 + PORT_OFFSET;

export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
};

const CSRF = { 'x-gatescope-csrf': '1', 'content-type': 'application/json' };

export async function getObject(api: APIRequestContext, plural: string, ns: string, name: string): Promise<Obj | undefined> {
  const res = await api.get(`/api/resources/${plural}/${ns}/${name}`);
  if (res.status() === 404) return undefined;
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as Obj;
}

/**
 * Another client's edit: read the object now (a fresh base) and update it with `change` applied,
 * as `kubectl edit` would. Waits until the console's cache has the new version.
 */
export async function editAsAnotherClient(api: APIRequestContext, plural: string, ns: string, name: string, change: (o: Obj) => Obj): Promise<Obj> {
  const base = await getObject(api, plural, ns, name);
  if (!base) throw new Error(`${plural} ${ns}/${name} not found`);
  const draft = change(structuredClone(base));
  const res = await api.put(`/api/resources/${plural}/${ns}/${name}`, { headers: CSRF, data: { base, draft } });
  expect(res.status(), await res.text()).toBe(200);
  const written = ((await res.json()) as { object: Obj }).object;
  await expect.poll(async () => (await getObject(api, plural, ns, name))?.metadata.resourceVersion).toBe(written.metadata.resourceVersion);
  return written;
}

/** Puts `spec` back as it was (cleanup after a spec that changed a scenario object). */
export async function restoreSpec(api: APIRequestContext, plural: string, ns: string, name: string, spec: unknown): Promise<void> {
  await editAsAnotherClient(api, plural, ns, name, (o) => ({ ...o, spec: structuredClone(spec) as Record<string, unknown> }));
}

/** Deletes an object a spec created, if it is still there. */
export async function deleteIfPresent(api: APIRequestContext, plural: string, ns: string, name: string): Promise<void> {
  const o = await getObject(api, plural, ns, name);
  if (!o) return;
  const res = await api.delete(`/api/resources/${plural}/${ns}/${name}?resourceVersion=${o.metadata.resourceVersion}`, { headers: CSRF });
  expect([200, 404]).toContain(res.status());
  await expect.poll(async () => getObject(api, plural, ns, name)).toBeUndefined();
}

/** One HTTP GET through the gateway's NodePort on loopback, with a Host header. */
export function getThroughGateway(path: string, host: string, port = HTTP_NODE_PORT): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${port} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Weights of the weighted route to web-service in the first ingress gateway pod's config_dump (the routing). */
export async function configDumpSplit(api: APIRequestContext): Promise<string | undefined> {
  const body = (await (await api.get('/api/resources/pods')).json()) as { items?: Obj[] } | Obj[];
  const list = Array.isArray(body) ? body : (body.items ?? []);
  const gw = list.find((p) => (p.metadata.labels as Record<string, string> | undefined)?.istio === 'ingressgateway');
  if (!gw) return undefined;
  const res = await api.get(`/api/proxies/${gw.metadata.namespace}/${gw.metadata.name}/admin/config_dump`);
  if (!res.ok()) return undefined;
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    const clusters = (o.weighted_clusters as Record<string, unknown> | undefined)?.clusters as Record<string, unknown>[] | undefined;
    if (clusters?.some((c) => String(c.name).includes('web-service'))) {
      found = clusters.map((c) => `${String(c.name).split('|')[2]}=${String(c.weight)}`).join(',');
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(await res.json());
  return found;
}
