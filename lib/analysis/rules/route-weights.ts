/**
 * gatescope.RouteWeightsAnalyzer — the weights of a route's destinations.
 *
 * istiod accepts weights that do not add up to 100 (Envoy splits in proportion to them) but
 * rejects a route with several destinations whose weights are all 0 (`total destination weight
 * = 0`). GSC0001 (Warning) says how traffic is actually split; GSC0002 (Error) the rejection.
 * Routes with a single destination are skipped: the weight is ignored there.
 */
import { arr, isObj, num, obj, str, specOf } from '../support/objects';
import type { Analyzer } from '../types';

function label(d: Record<string, unknown>): string {
  const port = num(obj(d.port).number);
  return `${str(d.host)}${str(d.subset) ? ` subset ${str(d.subset)}` : ''}${port ? `:${port}` : ''}`;
}

const pct = (w: number, total: number) => `${Math.round((w * 1000) / total) / 10}%`;

export const routeWeightsAnalyzer: Analyzer = {
  name: 'gatescope.RouteWeightsAnalyzer',
  description: 'Checks that the weights of route destinations add up to 100',
  codes: ['GSC0001', 'GSC0002'],
  analyze(ctx) {
    for (const vs of ctx.list('VirtualService')) {
      for (const kind of ['http', 'tcp', 'tls'] as const) {
        arr(specOf(vs)[kind]).forEach((r, i) => {
          const route = obj(r);
          const dests = arr(route.route).filter(isObj);
          if (dests.length < 2) return;
          const name = str(route.name) ? `${kind}[${i}] "${str(route.name)}"` : `${kind}[${i}]`;
          const total = dests.reduce((s, d) => s + num(d.weight), 0);
          const path = `spec.${kind}[${i}].route`;
          if (total === 0) {
            ctx.report('GSC0002', vs, [name, dests.length], { path, fix: 'Give the destinations weights that add up to 100.' });
            return;
          }
          if (total === 100) return;
          const split = dests.map((d) => `${label(obj(d.destination))} ${pct(num(d.weight), total)}`).join(', ');
          ctx.report('GSC0001', vs, [name, total, split], {
            path,
            fix: `Scale the weights so they add up to 100 (${dests.map((d) => Math.round((num(d.weight) * 100) / total)).join(' / ')}).`,
          });
        });
      }
    }
  },
};
