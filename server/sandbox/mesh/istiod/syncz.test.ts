import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { XdsType } from '../xds';
import { formatRFC3339Nano, goJson, type GoTime } from './go-format';
import { renderSyncz, statusWord, TYPE_URLS, type ProxySyncState, type WatchedTypeStatus } from './syncz';

const FIX = join(import.meta.dirname, 'fixtures');
const pretty = readFileSync(join(FIX, 'debug-syncz.reconstructed-current.pretty.json'), 'utf8');
const compact = readFileSync(join(FIX, 'debug-syncz.reconstructed-current.compact.json'), 'utf8');
const fields = JSON.parse(readFileSync(join(FIX, 'debug-syncz.fields.json'), 'utf8')) as { SyncStatus: Array<{ json: string }>; ResourceStatus: Array<{ json: string }> };

function parseGoTime(s: string): GoTime | undefined {
  if (s === '0001-01-01T00:00:00Z') return undefined;
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(s)!;
  const frac = (m[2] ?? '').padEnd(9, '0');
  return { ms: Date.parse(`${m[1]}Z`) + Number(frac.slice(0, 3)), subMsNanos: Number(frac.slice(3)) };
}

const URL_TO_TYPE = Object.fromEntries(Object.entries(TYPE_URLS).map(([t, u]) => [u, t as XdsType]));

/** The fixture's rows as the server's state (what it would have recorded). */
function statesFromFixture(rows: Array<Record<string, unknown>>): ProxySyncState[] {
  return rows.map((r, i) => {
    const watched = new Map<XdsType, WatchedTypeStatus>();
    for (const [url, v] of Object.entries((r['resources'] ?? {}) as Record<string, Record<string, string>>)) {
      watched.set(URL_TO_TYPE[url]!, { sent: v['sent'], acked: v['acked'], sentTime: parseGoTime(v['sentTime']!), lastError: v['lastError'] });
    }
    const proxy = String(r['proxy']);
    return {
      conId: `${String(i).padStart(3, '0')}`,
      clusterId: String(r['cluster_id']),
      proxy,
      namespace: proxy.split('.').pop()!,
      proxyType: String(r['proxy_type']),
      istioVersion: String(r['istio_version']),
      watched,
    };
  });
}

describe('/debug/syncz rendering', () => {
  const states = statesFromFixture(JSON.parse(pretty) as Array<Record<string, unknown>>);

  it('reproduces the reconstructed current shape byte for byte (?pretty and compact)', () => {
    // The hand-reconstructed fixture writes one sentTime with a trailing zero (.414002650Z); Go's
    // time.Time.MarshalJSON (RFC3339Nano) trims it, so a real istiod prints .41400265Z.
    const goTrim = (s: string) => s.replace('.414002650Z', '.41400265Z');
    expect(renderSyncz(states, { pretty: true })).toBe(goTrim(pretty));
    expect(renderSyncz(states)).toBe(goTrim(compact));
  });

  it('emits fields in Go struct order, a subset of the documented field names', () => {
    const order = fields.SyncStatus.map((f) => f.json);
    for (const row of JSON.parse(renderSyncz(states)) as Array<Record<string, unknown>>) {
      const keys = Object.keys(row);
      expect(keys.every((k) => order.includes(k))).toBe(true);
      expect([...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(keys);
      expect(keys).not.toContain('proxy_version');
    }
    const resourceOrder = fields.ResourceStatus.map((f) => f.json);
    const r = (JSON.parse(renderSyncz(states)) as Array<{ resources: Record<string, Record<string, string>> }>)[2]!.resources;
    for (const v of Object.values(r)) expect(Object.keys(v)).toEqual(resourceOrder.filter((k) => k in v));
  });

  it('filters by ?namespace= and returns [] when nothing matches', () => {
    const ns = JSON.parse(renderSyncz(states, { namespace: 'istio-system' })) as Array<{ proxy: string }>;
    expect(ns.map((p) => p.proxy)).toEqual(['istio-ingressgateway-7d6874b48f-qxhn5.istio-system', 'istio-egressgateway-c49694485-l9d5l.istio-system']);
    expect(renderSyncz(states, { namespace: 'nope' })).toBe('[]');
    expect(renderSyncz([], { pretty: true })).toBe('[]');
  });

  it('derives SYNCED / STALE / NOT SENT / ERROR as istioctl does', () => {
    const [gw, staleRds, nacked, egress] = states;
    expect(statusWord(gw!.watched.get('RDS'))).toBe('SYNCED');
    expect(statusWord(staleRds!.watched.get('RDS'))).toBe('STALE');
    expect(statusWord(nacked!.watched.get('LDS'))).toBe('ERROR');
    expect(statusWord(egress!.watched.get('RDS'))).toBe('NOT SENT');
  });

  it('prints a never-sent type with the zero time, and escapes like encoding/json', () => {
    const s: ProxySyncState = { conId: 'a', clusterId: 'Kubernetes', proxy: 'p.ns', namespace: 'ns', proxyType: 'router', istioVersion: '1.26.1', watched: new Map([['CDS', {}], ['LDS', { sent: 'x', lastError: 'bad <listener> & "co"' }]]) };
    const out = renderSyncz([s]);
    expect(out).toContain('"type.googleapis.com/envoy.config.cluster.v3.Cluster":{"sentTime":"0001-01-01T00:00:00Z"}');
    expect(out).toContain('"lastError":"bad \\u003clistener\\u003e \\u0026 \\"co\\""');
    expect(out).not.toContain('cluster_sent');
    expect(out).toContain('"listener_sent":"x"');
  });

  it('formats times as Go RFC3339Nano (trailing zeros trimmed)', () => {
    const ms = Date.parse('2025-06-12T09:43:55.400Z');
    expect(formatRFC3339Nano({ ms, subMsNanos: 0 })).toBe('2025-06-12T09:43:55.4Z');
    expect(formatRFC3339Nano({ ms: ms - 400, subMsNanos: 0 })).toBe('2025-06-12T09:43:55Z');
    expect(formatRFC3339Nano({ ms: ms + 12, subMsNanos: 337_905 })).toBe('2025-06-12T09:43:55.412337905Z');
    expect(goJson({ a: 1 }, true)).toBe('{\n    "a": 1\n}');
  });
});
