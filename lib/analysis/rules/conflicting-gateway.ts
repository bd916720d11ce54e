/**
 * gateway.ConflictingGatewayAnalyzer — two Gateways selecting the same workload, on the same
 * port, with a common host (port of istio/istio
 * `pkg/config/analysis/analyzers/gateway/conflictinggateway.go`, including its quirks: the map
 * of known hosts is updated while checking, as `model.CheckDuplicates` does, and a Gateway whose
 * selector is not the key of any server block is reported as IST0101).
 */
import { parseSelectorString, selectorMatches, selectorString } from '../support/labels';
import { arr, fullName, labelsOf, num, obj, specOf, str } from '../support/objects';
import type { Analyzer, AnalyzerContext } from '../types';

type HostsBind = Map<string, string>;
/** `selector~port` → gateway full name → host → bind */
type GatewaysMap = Map<string, Map<string, HostsBind>>;

function initGatewaysMap(ctx: AnalyzerContext): GatewaysMap {
  const m: GatewaysMap = new Map();
  for (const gw of ctx.list('Gateway')) {
    const sel = selectorString(obj(specOf(gw).selector) as Record<string, string>);
    for (const server of arr(specOf(gw).servers)) {
      const s = obj(server);
      const key = `${sel}~${num(obj(s.port).number)}`;
      if (!m.has(key)) m.set(key, new Map());
      const hb: HostsBind = new Map();
      for (const h of arr<string>(s.hosts)) hb.set(h, str(s.bind));
      m.get(key)!.set(fullName(gw), hb);
    }
  }
  return m;
}

/** `model.CheckDuplicates`: hosts already bound with the same bind; records them when none. */
function checkDuplicates(hosts: string[], bind: string, known: HostsBind): string[] {
  const dup = hosts.filter((h) => known.has(h) && known.get(h) === bind);
  if (dup.length === 0) for (const h of hosts) known.set(h, bind);
  return dup;
}

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  codes: ['IST0101', 'IST0145'],
  analyze(ctx) {
    const map = initGatewaysMap(ctx);
    for (const gw of ctx.list('Gateway')) {
      const gwName = fullName(gw);
      const selector = obj(specOf(gw).selector) as Record<string, string>;
      const sel = selectorString(selector);
      let exists = false;
      const hit: GatewaysMap = new Map();
      for (const [key, value] of map) {
        const xSel = key.split('~')[0]!;
        let matched = false;
        if (sel === xSel) matched = true;
        else if (xSel.includes(sel) || sel.includes(xSel)) {
          const x = parseSelectorString(xSel);
          matched = ctx.list('Pod').some((p) => selectorMatches(selector, labelsOf(p)) && selectorMatches(x, labelsOf(p)));
        }
        if (matched) {
          exists = true;
          hit.set(key, value);
        }
      }
      if (sel !== '' && !exists) {
        ctx.report('IST0101', gw, ['selector', sel], { path: 'spec.selector' });
        continue;
      }
      arr(specOf(gw).servers).forEach((server, i) => {
        const s = obj(server);
        const port = String(num(obj(s.port).number));
        const gateways: string[] = [];
        for (const [key, values] of hit) {
          if (key.split('~')[1] !== port) continue;
          for (const [other, hostsBind] of values) {
            if (other !== gwName && checkDuplicates(arr<string>(s.hosts), str(s.bind), hostsBind).length > 0) gateways.push(other);
          }
        }
        if (gateways.length > 0) {
          gateways.sort();
          ctx.report('IST0145', gw, [gateways.join(','), sel, port, arr<string>(s.hosts).join(',')], {
            path: `spec.servers[${i}]`,
            fix: 'Serve each host on a port from one Gateway only (merge the servers, or use different hosts or ports).',
          });
        }
      });
    }
  },
};
