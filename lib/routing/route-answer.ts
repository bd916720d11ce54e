/**
 * The simulator's answer in the two shapes people read outside the browser: the JSON of
 * `gatescope route --output json` (a fixed, small shape for scripts) and its text rendering.
 *
 * JSON: `{ gatewayServer, virtualService, route, destinations: [{ host, port, subset, weight }],
 * rejected: [{ virtualService, route, reason }] }` — `gatewayServer` is `namespace/name#index`,
 * `virtualService` `namespace/name`, a destination's `host` the FQDN Envoy's cluster names,
 * `subset` null without one, `weight` the share in percent. Fields with no value are `null`.
 */
import type { SimRequest } from './request';
import type { SimResult } from './simulate';
import { roundPercents } from './weights';

export interface RouteAnswerJson {
  gatewayServer: string | null;
  virtualService: string | null;
  route: string | null;
  destinations: Array<{ host: string; port: number; subset: string | null; weight: number }>;
  rejected: Array<{ virtualService: string; route: string; reason: string }>;
}

/** The fixed JSON shape of a simulation. */
export function routeAnswerJson(r: SimResult): RouteAnswerJson {
  return {
    gatewayServer: r.gatewayServer?.id ?? null,
    virtualService: r.virtualService ?? null,
    route: r.route ?? null,
    destinations: r.destinations.map((d) => ({ host: d.fqdn, port: d.port, subset: d.subset ?? null, weight: Math.round(d.weight * 100) / 100 })),
    rejected: r.rejected.map((x) => ({ virtualService: x.virtualService, route: x.route, reason: x.reason })),
  };
}

/** Whether a route (or a redirect / direct response of one) answers the request. */
export function isRouted(r: SimResult): boolean {
  return !r.noMatch;
}

/** `GET web.example.com/v1 (port 80)`. */
export function describeRequest(req: SimRequest): string {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = req.path && req.path !== '' ? req.path : '/';
  const headers = Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : v.join(',')}`);
  return `${method} ${req.host}${path.startsWith('/') ? path : `/${path}`}${req.port ? ` (port ${req.port})` : ''}${headers.length ? ` [${headers.join('; ')}]` : ''}`;
}

/** The answer as lines of text, for a terminal. */
export function routeAnswerText(req: SimRequest, r: SimResult): string {
  const lines: string[] = [describeRequest(req)];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(15)} ${v}`);
  if (r.gatewayPod) row('gatewayPod', r.gatewayPod);
  if (r.gatewayServer) {
    const s = r.gatewayServer;
    row('gatewayServer', `${s.id} (${s.protocol} ${s.port}${s.tlsMode ? ` TLS ${s.tlsMode}` : ''} · ${s.hosts.join(', ')}) → pod port ${s.listenerPort}`);
  }
  if (r.virtualService) row('virtualService', r.virtualService);
  if (r.route) row('route', r.route);
  if (r.matchedBecause?.length) row('matched', r.matchedBecause.join('; '));
  if (r.redirect) row('redirect', `${r.redirect.code} → ${r.redirect.location}`);
  if (r.directResponse) row('directResponse', `${r.directResponse.status}${r.directResponse.body ? ` ${JSON.stringify(r.directResponse.body)}` : ''}`);
  if (r.rewrite) row('rewrite', `${r.rewrite.path}${r.rewrite.authority ? ` (authority ${r.rewrite.host})` : ''}`);
  if (r.fault) row('fault', r.fault.description);
  const percents = roundPercents(r.destinations.map((d) => d.weight));
  r.destinations.forEach((d, i) => {
    const pods = d.pods.map((p) => `${p.pod}${p.ready ? '' : ' (not ready)'}`).join(', ') || 'no pods';
    row(i === 0 ? 'destinations' : '', `${d.fqdn}:${d.port}${d.subset ? ` subset ${d.subset}` : ''}  ${percents[i]}%  → ${pods}${d.problem ? `  ✗ ${d.problem}${d.envoyResponse ? ` (${d.envoyResponse})` : ''}` : ''}`);
  });
  if (r.rejected.length) {
    lines.push('  rejected (earlier routes that did not match):');
    for (const x of r.rejected) lines.push(`    ${x.virtualService} ${x.route}: ${x.reason}`);
  }
  if (r.noMatch) lines.push(`  no route: ${r.noMatch.reason} (Envoy answers ${r.noMatch.envoyResponse})`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
