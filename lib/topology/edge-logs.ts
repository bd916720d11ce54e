/**
 * Which access-log lines went over an edge of the request path, as the Logs page's URL query
 * (`/logs?route=…&subset=…`, read by components/logs/logs-view and lib/logs/filter):
 * - into a gateway pod, or out of it to a Gateway server: that pod's lines (`pod`);
 * - load balancer / NodePort hops: the lines of the gateway pods behind them;
 * - Gateway server → VirtualService: the lines its routes served (`virtualService`);
 * - VirtualService → route: the route's lines (`route`);
 * - route → Service: the route's lines to that subset (`route` + `subset`) or Service (`route` + `service`);
 * - Service → subset: every route's lines to the subset (`subset`);
 * - subset / Service → pod: the subset's (or Service's) lines: the logs name no backend pod here.
 *
 * @example edgeLogsHref(edgeFlowIndex(view), 'route:default/web-service:http[2]->service:web-service.default.svc.cluster.local|80|v1')
 *   // '/logs?route=route%3Adefault%2Fweb-service%3Ahttp%5B2%5D&subset=subset%3Aweb-service.default.svc.cluster.local%3Av1'
 */
import type { EdgeFlowIndex } from './edge-rates';

export function edgeLogParams(index: EdgeFlowIndex, edgeId: string): Record<string, string> | undefined {
  const e = index.byId.get(edgeId);
  if (!e) return undefined;
  const s = index.stage.get(e.source);
  const t = index.stage.get(e.target);
  const podName = (id: string) => String(index.nodeData.get(id)?.['pod'] ?? id.slice('gatewayPod:'.length));
  if (t === 'gatewayPod') return { pod: podName(e.target) };
  if (s === 'gatewayPod') return { pod: podName(e.source) };
  if (t === 'loadBalancer' || t === 'nodePort') {
    const pods = new Set<string>();
    const walk = (id: string, depth: number) => {
      for (const out of index.outgoing.get(id) ?? []) {
        const st = index.stage.get(out.target);
        if (st === 'gatewayPod') pods.add(podName(out.target));
        else if (depth < 3 && (st === 'nodePort' || st === 'loadBalancer')) walk(out.target, depth + 1);
      }
    };
    walk(e.target, 0);
    return pods.size ? { pod: [...pods].sort().join(',') } : undefined;
  }
  if (t === 'virtualService') return { virtualService: e.target.slice('virtualService:'.length) };
  if (t === 'route') return { route: e.target };
  if (s === 'route' && t === 'service') {
    const fqdn = e.target.slice('service:'.length);
    return e.subset ? { route: e.source, subset: `subset:${fqdn}:${e.subset}` } : { route: e.source, service: e.target };
  }
  if (t === 'subset') return { subset: e.target };
  if (t === 'pod') return s === 'subset' ? { subset: e.source } : s === 'service' ? { service: e.source } : undefined;
  return undefined;
}

export function edgeLogsHref(index: EdgeFlowIndex, edgeId: string): string | undefined {
  const p = edgeLogParams(index, edgeId);
  return p ? `/logs?${new URLSearchParams(p).toString()}` : undefined;
}
