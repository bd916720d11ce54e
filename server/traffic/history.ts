/**
 * Traffic history of a VirtualService from Prometheus (`--prometheus-url`): reads the
 * VirtualService, its Gateways' pods and the DestinationRules from the cluster cache, runs the
 * five PromQL queries of lib/traffic/prometheus over the range, and shapes the answers
 * (lib/traffic/history). Registered on the runtime as `trafficHistory` only when a URL is given.
 */
import { getRuntime } from '../runtime';
import { HttpError } from '../kube/runtime-access';
import type { ClusterCache } from '../kube/cache';
import { historyGrid, historyTarget, shapeHistory, type HistoryAnswers, type HistoryRange, type NotConfigured, type TrafficHistory } from '../../lib/traffic/history';
import { historyQueries, rateWindowSeconds, type HistoryQueryName } from '../../lib/traffic/prometheus';
import type { DestinationRule, Gateway, VirtualService } from '../../lib/istio/types';
import type { Pod } from '../../lib/kube/core';
import { PrometheusClient, type PrometheusClientOptions } from './prometheus';

export const NOT_CONFIGURED: NotConfigured = { configured: false, reason: 'start with --prometheus-url to see history beyond 15 min' };

export interface TrafficHistoryOptions extends PrometheusClientOptions {
  /** Prometheus's scrape interval in seconds, for the rate() window (default 15, Istio's sample config). */
  scrapeIntervalSeconds?: number;
}

export class TrafficHistoryService {
  readonly client: PrometheusClient;
  private readonly scrapeInterval: number;

  constructor(
    url: string,
    private readonly cache: Pick<ClusterCache, 'get' | 'list'>,
    opts: TrafficHistoryOptions = {},
  ) {
    this.client = new PrometheusClient(url, opts);
    this.scrapeInterval = opts.scrapeIntervalSeconds ?? 15;
  }

  /** History of `namespace/name` over the range ending now; 404 for an unknown VirtualService. */
  async history(vsId: string, range: HistoryRange, opts: { step?: number; nowSeconds?: number; signal?: AbortSignal } = {}): Promise<TrafficHistory> {
    const [ns, name] = vsId.split('/');
    const vs = ns && name ? this.cache.get<VirtualService>('virtualservices', ns, name) : undefined;
    if (!vs) throw new HttpError(404, `VirtualService ${vsId} not found`);
    const target = historyTarget(vs, {
      gateways: this.cache.list<Gateway>('gateways'),
      pods: this.cache.list<Pod>('pods'),
      destinationRules: this.cache.list<DestinationRule>('destinationrules'),
    });
    const grid = historyGrid(range, opts.nowSeconds ?? Date.now() / 1000, opts.step);
    const rateWindow = rateWindowSeconds(grid.step, this.scrapeInterval);
    const queries = historyQueries(target, rateWindow);
    const names = Object.keys(queries) as HistoryQueryName[];
    const answers = await Promise.all(names.map((k) => this.client.queryRange(queries[k], grid.start, grid.end, grid.step, opts.signal)));
    const byName = Object.fromEntries(names.map((k, i) => [k, answers[i]!.series])) as HistoryAnswers;
    const warnings = [...new Set(answers.flatMap((a) => a.warnings))];
    return shapeHistory(target, grid, rateWindow, queries, byName, warnings);
  }
}

/** The runtime's history service for route handlers, or undefined without --prometheus-url. */
export function trafficHistoryService(): TrafficHistoryService | undefined {
  return getRuntime().services.trafficHistory as TrafficHistoryService | undefined;
}
