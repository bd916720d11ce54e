/**
 * A VirtualService's traffic history from Prometheus: which metrics belong to it (the destination
 * Services of its routes, as reported by the gateway workloads its Gateways select), and the
 * query answers shaped into what the Traffic page draws: the observed split per destination
 * version (named by its DestinationRule subset where one selects that version) over time, the
 * request rate, the 5xx share and latency quantiles.
 *
 * @example
 *   const target = historyTarget(vs, { gateways, pods, destinationRules });
 *   const grid = historyGrid('1h', Date.now() / 1000);            // start, end, step (s)
 *   const queries = historyQueries(target, rateWindowSeconds(grid.step));
 *   // … query_range each query, then:
 *   shapeHistory(target, grid, answers).destinations              // [{ label: 'v1', share: 79.8 }, …]
 */
import { destinationFQDN, findDestinationRule, findSubset, virtualServiceGateways } from '../istio/refs';
import type { DestinationRule, Gateway, VirtualService } from '../istio/types';
import { matchesLabels } from '../kube/selector';
import type { Pod } from '../kube/core';
import { onGrid, type HistoryQueries, type HistoryQueryName, type MetricScope, type PromSeries, type Workload } from './prometheus';

export const HISTORY_RANGES = {
  '1h': { seconds: 3600, step: 15 },
  '6h': { seconds: 6 * 3600, step: 60 },
  '24h': { seconds: 24 * 3600, step: 300 },
} as const;

export type HistoryRange = keyof typeof HISTORY_RANGES;

/** Prometheus refuses a query_range of more than 11,000 points per series. */
export const MAX_POINTS = 11_000;

export function isHistoryRange(v: unknown): v is HistoryRange {
  return typeof v === 'string' && Object.hasOwn(HISTORY_RANGES, v);
}

export interface HistoryGrid {
  range: HistoryRange;
  /** Unix seconds, multiples of the step (so repeated queries hit the same points). */
  start: number;
  end: number;
  step: number;
}

/** The query grid of a range ending at `nowSeconds`; `step` overrides the range's default (seconds). */
export function historyGrid(range: HistoryRange, nowSeconds: number, step?: number): HistoryGrid {
  const r = HISTORY_RANGES[range];
  const s = step ?? r.step;
  if (!Number.isFinite(s) || s < 1) throw new RangeError(`step must be a number of seconds ≥ 1, got ${step}`);
  if (r.seconds / s > MAX_POINTS) throw new RangeError(`step ${s}s gives more than ${MAX_POINTS} points over ${range}: use ${Math.ceil(r.seconds / MAX_POINTS)}s or more`);
  const end = Math.floor(nowSeconds / s) * s;
  return { range, start: end - r.seconds, end, step: s };
}

// ---- which metrics belong to a VirtualService ----------------------------------------------------

export interface HistoryDestinationRef {
  service: string;
  subset?: string;
}

export interface HistoryTarget extends MetricScope {
  /** `namespace/name`. */
  virtualService: string;
  /** The destinations its routes name (Service FQDN + subset), in route order, deduplicated. */
  destinations: HistoryDestinationRef[];
  /** Per Service FQDN: the subset that selects each `version` label value. */
  subsetByVersion: Record<string, Record<string, string>>;
}

/** The workload name Istio reports for a pod (`source_workload`): its Deployment, else its owner, else its name. */
export function workloadOf(pod: Pod): Workload {
  const m = pod.metadata;
  const owner = m.ownerReferences?.find((r) => r.controller) ?? m.ownerReferences?.[0];
  let name = m.name;
  if (owner) {
    name = owner.name;
    const hash = m.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet') name = hash && name.endsWith(`-${hash}`) ? name.slice(0, -hash.length - 1) : name.replace(/-[a-z0-9]{5,10}$/, '');
  } else if (m.generateName) name = m.generateName.replace(/-$/, '').replace(/-[a-z0-9]{5,10}$/, '');
  return { namespace: m.namespace ?? 'default', name };
}

const VERSION_LABELS = ['version', 'app.kubernetes.io/version'];

export function historyTarget(vs: VirtualService, objs: { gateways: readonly Gateway[]; pods: readonly Pod[]; destinationRules: readonly DestinationRule[] }): HistoryTarget {
  const ns = vs.metadata.namespace ?? 'default';
  // The gateway pods of its Gateways (a Gateway's selector picks pods in any namespace).
  const workloads = new Map<string, Workload>();
  const gatewayPods: Pod[] = [];
  for (const ref of virtualServiceGateways(vs)) {
    if (ref.key === 'mesh') continue;
    const gw = objs.gateways.find((g) => `${g.metadata.namespace ?? ''}/${g.metadata.name}` === ref.key);
    const sel = gw?.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    for (const p of objs.pods) {
      if (!matchesLabels(sel, p.metadata.labels)) continue;
      gatewayPods.push(p);
      const w = workloadOf(p);
      workloads.set(`${w.namespace}/${w.name}`, w);
    }
  }
  const destinations: HistoryDestinationRef[] = [];
  const seen = new Set<string>();
  const routes = [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])];
  for (const r of routes) {
    for (const d of r.route ?? []) {
      if (!d.destination?.host) continue;
      const service = destinationFQDN(d.destination, ns);
      const key = `${service}|${d.destination.subset ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      destinations.push({ service, ...(d.destination.subset ? { subset: d.destination.subset } : {}) });
    }
  }
  const clientNamespace = gatewayPods[0]?.metadata.namespace ?? 'istio-system';
  const subsetByVersion: Record<string, Record<string, string>> = {};
  for (const d of destinations) {
    if (!d.subset) continue;
    const serviceNamespace = d.service.split('.')[1];
    const match = findDestinationRule(objs.destinationRules, d.service, { clientNamespace, clientLabels: gatewayPods[0]?.metadata.labels, serviceNamespace });
    const labels = findSubset(match, d.subset)?.subset.labels ?? {};
    const version = VERSION_LABELS.map((l) => labels[l]).find((v) => v !== undefined);
    if (version === undefined) continue;
    const byVersion = (subsetByVersion[d.service] ??= {});
    byVersion[version] ??= d.subset;
  }
  return {
    virtualService: `${ns}/${vs.metadata.name}`,
    services: [...new Set(destinations.map((d) => d.service))],
    gatewayWorkloads: [...workloads.values()],
    destinations,
    subsetByVersion,
  };
}

// ---- the answers, shaped -------------------------------------------------------------------------

export interface HistoryDestination {
  /** `service|version`. */
  id: string;
  service: string;
  /** `destination_version` (`unknown` when the pod has no version label). */
  version: string;
  subset?: string;
  label: string;
  /** Mean requests per second over the points with data. */
  rps: number;
  /** Share of the VirtualService's requests over the range, percent (undefined with no request). */
  share?: number;
  /** 5xx share of its requests, percent. */
  errorPct?: number;
}

export interface TrafficHistory {
  configured: true;
  virtualService: string;
  /** The destination Service FQDNs queried. */
  services: string[];
  range: HistoryRange;
  /** Unix seconds. */
  start: number;
  end: number;
  step: number;
  /** Seconds of the rate() window. */
  rateWindow: number;
  /** The PromQL that produced it, to paste into Prometheus. */
  queries: HistoryQueries;
  /** Point times, unix seconds (start, start + step, …, end). */
  times: number[];
  destinations: HistoryDestination[];
  /** Requests per second of each destination (same order), 0 where others have data and it has none. */
  rates: Array<Array<number | null>>;
  /** Requests per second of the whole VirtualService; null where Prometheus has no sample. */
  total: Array<number | null>;
  /** 5xx share per point, percent; null with no request. */
  errorPct: Array<number | null>;
  p50: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
  summary: { rps: number; errorPct?: number };
  warnings: string[];
}

export interface NotConfigured {
  configured: false;
  reason: string;
}

export type TrafficHistoryAnswer = TrafficHistory | NotConfigured;

export type HistoryAnswers = Record<HistoryQueryName, PromSeries[]>;

const shortHost = (fqdn: string) => fqdn.replace(/\.svc\.cluster\.local$/, '');
const sumNonNull = (xs: ReadonlyArray<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

export function shapeHistory(target: HistoryTarget, grid: HistoryGrid, rateWindow: number, queries: HistoryQueries, answers: HistoryAnswers, warnings: string[] = []): TrafficHistory {
  const { start, end, step } = grid;
  const n = Math.floor((end - start) / step) + 1;
  const times = Array.from({ length: n }, (_, i) => start + i * step);
  const multiService = target.services.length > 1;
  const keyOf = (m: Record<string, string>) => `${m.destination_service ?? 'unknown'}|${m.destination_version ?? 'unknown'}`;

  // One row per (service, version): the configured destinations first, in route order.
  const rows = new Map<string, { service: string; version: string; subset?: string; rates: Array<number | null>; errors: Array<number | null> }>();
  const row = (service: string, version: string) => {
    const id = `${service}|${version}`;
    let r = rows.get(id);
    if (!r) {
      const subset = target.subsetByVersion[service]?.[version];
      r = { service, version, ...(subset ? { subset } : {}), rates: new Array<number | null>(n).fill(null), errors: new Array<number | null>(n).fill(null) };
      rows.set(id, r);
    }
    return r;
  };
  for (const d of target.destinations) {
    const version = Object.entries(target.subsetByVersion[d.service] ?? {}).find(([, s]) => s === d.subset)?.[0];
    if (version !== undefined) row(d.service, version);
  }
  const add = (into: Array<number | null>, values: Array<number | null>) => values.forEach((v, i) => v !== null && (into[i] = (into[i] ?? 0) + v));
  const extra: string[] = [];
  for (const s of answers.requests) {
    const id = keyOf(s.metric);
    if (!rows.has(id)) extra.push(id);
    add(row(s.metric.destination_service ?? 'unknown', s.metric.destination_version ?? 'unknown').rates, onGrid(s.points, start, end, step));
  }
  for (const s of answers.errors) add(row(s.metric.destination_service ?? 'unknown', s.metric.destination_version ?? 'unknown').errors, onGrid(s.points, start, end, step));
  // Versions seen only in the metrics go after the configured ones, sorted.
  const order = [...rows.keys()].filter((k) => !extra.includes(k)).concat([...extra].sort());

  const total = new Array<number | null>(n).fill(null);
  const errTotal = new Array<number>(n).fill(0);
  for (const r of rows.values()) {
    r.rates.forEach((v, i) => v !== null && (total[i] = (total[i] ?? 0) + v));
    r.errors.forEach((v, i) => (errTotal[i]! += v ?? 0));
  }
  const grandTotal = sumNonNull(total);
  const grandErr = errTotal.reduce((a, b) => a + b, 0);
  const withData = total.filter((v) => v !== null).length;

  const destinations: HistoryDestination[] = [];
  const rates: Array<Array<number | null>> = [];
  for (const id of order) {
    const r = rows.get(id)!;
    const sum = sumNonNull(r.rates);
    const errSum = sumNonNull(r.errors);
    const name = r.subset ?? (r.version !== 'unknown' ? r.version : shortHost(r.service));
    destinations.push({
      id,
      service: r.service,
      version: r.version,
      ...(r.subset ? { subset: r.subset } : {}),
      label: multiService && name !== shortHost(r.service) ? `${shortHost(r.service)} / ${name}` : name,
      rps: withData ? sum / withData : 0,
      ...(grandTotal > 0 ? { share: (sum / grandTotal) * 100 } : {}),
      ...(sum > 0 ? { errorPct: (errSum / sum) * 100 } : {}),
    });
    rates.push(r.rates.map((v, i) => (total[i] === null ? null : (v ?? 0))));
  }
  const q = (name: 'p50' | 'p95' | 'p99') => {
    const out = new Array<number | null>(n).fill(null);
    for (const s of answers[name]) onGrid(s.points, start, end, step).forEach((v, i) => v !== null && (out[i] = v));
    return out;
  };
  return {
    configured: true,
    virtualService: target.virtualService,
    services: [...target.services],
    range: grid.range,
    start,
    end,
    step,
    rateWindow,
    queries,
    times,
    destinations,
    rates,
    total,
    errorPct: total.map((t, i) => (t !== null && t > 0 ? (errTotal[i]! / t) * 100 : null)),
    p50: q('p50'),
    p95: q('p95'),
    p99: q('p99'),
    summary: { rps: withData ? grandTotal / withData : 0, ...(grandTotal > 0 ? { errorPct: (grandErr / grandTotal) * 100 } : {}) },
    warnings,
  };
}
