/**
 * Fault suite §5, items 1–4 (../shared/notes/reliability-security.md; docs/fault-suite.md): the
 * console's informers against the real sandbox API server, with its fault switches: history
 * compaction (410), an outage of the API server, a half-open watch, a quiet kind while others churn.
 * Durations are shortened from the notes' (45 s → 8 s outage) and bounded.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/start';
import { Informer, type InformerEventType, type InformerOptions } from '../kube/informer';

const VS = 'networking.istio.io/virtualservices';
const DR = 'networking.istio.io/destinationrules';

let sb: RunningSandbox;
let kc: KubeConfig;
const running: Informer[] = [];

beforeAll(async () => {
  sb = await startSandbox({ dataPlane: false, bookmarkIntervalMs: 200 });
  kc = new KubeConfig();
  kc.loadFromFile(sb.kubeconfigPath);
}, 30_000);
afterAll(async () => {
  await sb?.close();
});
afterEach(() => {
  for (const i of running.splice(0)) i.stop();
});

async function until<T>(fn: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (informer states: ${JSON.stringify(running.map((i) => i.state))})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function informer(path: string, opts: Partial<InformerOptions> = {}) {
  const inf = new Informer(kc, { path, ...opts });
  const events: Array<[InformerEventType, string]> = [];
  const errors: string[] = [];
  inf.on((type, o) => events.push([type, `${o.metadata.namespace}/${o.metadata.name}`]));
  inf.onState((s) => {
    if (s.lastError && errors.at(-1) !== s.lastError) errors.push(s.lastError);
  });
  inf.start();
  running.push(inf);
  return { inf, events, errors };
}

const names = (items: Iterable<{ metadata: { namespace?: string; name: string } }>) => [...items].map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
const vs = (name: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec: { hosts: [`${name}.example.com`], http: [{ route: [{ destination: { host: 'counter' } }] }] } });
const connections = () => new Promise<number>((r) => sb.server.getConnections((_e, n) => r(n)));

describe('fault suite §5 (watches)', () => {
  it('1. resumes after 410 Expired without losing deletes: one relist, DELETE events, cache equals the server', async () => {
    sb.store.create(VS, vs('gone-a'));
    sb.store.create(VS, vs('gone-b'));
    const { inf, events } = informer('/apis/networking.istio.io/v1/virtualservices');
    await until(() => inf.state.synced && inf.state.phase === 'watching', 'the first list and watch');
    expect(inf.state.relists).toBe(0);
    // The console's watch drops; meanwhile two objects go, one comes, and history is compacted.
    const outage = sb.server.outage(1_000);
    await until(() => inf.state.phase !== 'watching', 'the watch to drop');
    sb.store.delete(VS, 'default', 'gone-a');
    sb.store.delete(VS, 'default', 'gone-b');
    sb.store.create(VS, vs('new-c'));
    sb.store.compact();
    await outage;
    await until(() => inf.state.relists === 1 && inf.state.phase === 'watching', 'one relist after 410');
    expect(events).toEqual(expect.arrayContaining([['DELETED', 'default/gone-a'], ['DELETED', 'default/gone-b'], ['ADDED', 'default/new-c']]));
    expect(names(inf.list())).toEqual(names(sb.store.list(VS).items));
    expect(inf.get('default', 'gone-a')).toBeUndefined();
    sb.store.delete(VS, 'default', 'new-c');
  }, 30_000);

  it('2. an API server outage: jittered backoff (few attempts), resume from the last RV without a relist, sockets back to baseline', async () => {
    const { inf } = informer('/apis/networking.istio.io/v1/virtualservices');
    await until(() => inf.state.phase === 'watching', 'watching');
    const baseline = await connections();
    const reconnects = inf.state.reconnects;
    const t0 = Date.now();
    const outage = sb.server.outage(8_000);
    await until(() => inf.state.retryingSince !== undefined, 'the informer to notice');
    await outage;
    sb.store.create(VS, vs('after-outage'));
    await until(() => inf.get('default', 'after-outage'), 'the change made after the outage', 40_000);
    const attempts = inf.state.reconnects - reconnects;
    // 0.8 s doubling (jittered) over ~8 s: a handful of attempts, not a storm.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(8);
    expect(inf.state.relists).toBe(0);
    expect(inf.state.retryingSince).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect(await connections()).toBeLessThanOrEqual(baseline);
    sb.store.delete(VS, 'default', 'after-outage');
  }, 60_000);

  it('3. detects a half-open watch with its inactivity watchdog and re-watches', async () => {
    const { inf, errors } = informer('/apis/networking.istio.io/v1/virtualservices', { inactivityMs: 1_500 });
    await until(() => inf.state.phase === 'watching', 'watching');
    const reconnects = inf.state.reconnects;
    expect(sb.server.stallWatches()).toBeGreaterThan(0);
    sb.store.create(VS, vs('during-stall'));
    // Nothing arrives on the stalled watch; the watchdog aborts it and a new watch brings the object.
    await until(() => inf.get('default', 'during-stall'), 'the object, through a new watch', 20_000);
    expect(inf.state.reconnects).toBeGreaterThan(reconnects);
    expect(errors.join('\n')).toMatch(/half-open/);
    expect(inf.state.relists).toBe(0);
    sb.store.delete(VS, 'default', 'during-stall');
  }, 30_000);

  it('4. a quiet kind stays resumable: bookmarks advance its resourceVersion while others churn', async () => {
    const { inf } = informer('/apis/networking.istio.io/v1/destinationrules', { timeoutSeconds: [2, 3] });
    await until(() => inf.state.phase === 'watching' && inf.state.resourceVersion, 'watching');
    const rv0 = Number(inf.state.resourceVersion);
    // Other kinds change; DestinationRules do not.
    for (let i = 0; i < 20; i++) sb.store.create(VS, vs(`churn-${i}`));
    await until(() => Number(inf.state.resourceVersion) > rv0 + 10, 'a BOOKMARK to advance the RV');
    // History is compacted past the old RV; the watch times out and resumes from the bookmark's RV.
    sb.store.compact();
    const watchesOf = () => sb.server.auditLog.filter((e) => e.verb === 'watch' && e.resource?.startsWith('destinationrules'));
    const before = watchesOf().length;
    await until(() => watchesOf().length > before, 'a re-watch after timeoutSeconds', 10_000);
    const rewatch = watchesOf().at(-1)!;
    expect(Number(new URL(rewatch.path, 'https://x').searchParams.get('resourceVersion'))).toBeGreaterThan(rv0 + 10);
    expect(rewatch.code).toBe(200);
    expect(inf.state.relists).toBe(0);
    expect(names(inf.list())).toEqual(names(sb.store.list(DR).items));
    for (let i = 0; i < 20; i++) sb.store.delete(VS, 'default', `churn-${i}`);
  }, 30_000);
});
