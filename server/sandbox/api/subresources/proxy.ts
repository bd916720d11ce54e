/**
 * `pods/proxy` and `services/proxy`: HTTP forwarded to a pod IP, as kube-apiserver's proxy does
 * (pkg/registry/core/{pod,service}/... ResourceLocation + the upgrade-aware proxy handler).
 *
 * - pods: `/api/v1/namespaces/{ns}/pods/[https:]{pod}[:{port}]/proxy/{path}` → podIP:port (port 80,
 *   or 443 with https, when none is named; a container port name resolves through the pod spec).
 * - services: `…/services/[https:]{svc}[:{port}]/proxy/{path}` → the Service port by name or
 *   number, then a random ready address of the Endpoints subset carrying that port name.
 * - Only pod IPs are ever dialled: never 127.0.0.1, never a pod's loopback listeners, so Envoy
 *   admin (:15000) and istiod's debug port (:15014) are out of reach here, as on a cluster
 *   (CVE-2020-8562; only pods/portforward reaches them).
 * - Authorization (already removed by the server), Cookie, Impersonate-* and X-Remote-* headers
 *   are not forwarded. Failures answer a 503 Status "error trying to reach service: dial tcp …".
 * Not handled: upgrades (WebSocket) through the proxy, rewriting of links in proxied HTML.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomInt } from 'node:crypto';
import type { Store, StoredObject } from '../store';
import { ApiError, errors, status } from '../status';
import type { SubresourceContext, SubresourceHandler } from '../types';

export interface ProxyTarget {
  resolvePodPort(podIP: string, port: number): { host: string; port: number };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const STRIPPED = /^(authorization|cookie|impersonate-.*|x-remote-.*)$/i;

const unavailable = (message: string) => new ApiError(status(503, 'ServiceUnavailable', message));

interface Location {
  scheme: 'http' | 'https';
  ip: string;
  port: number;
}

function podLocation(pod: StoredObject, scheme: string | undefined, portStr: string | undefined): Location {
  const ip = (pod['status'] as { podIP?: string } | undefined)?.podIP;
  if (!ip) throw errors.badRequest(`pod ${pod.metadata.name} does not have a pod IP yet`);
  const sch = scheme === 'https' ? 'https' : 'http';
  let port = sch === 'https' ? 443 : 80;
  if (portStr) {
    if (/^\d+$/.test(portStr)) port = Number(portStr);
    else {
      const containers = ((pod['spec'] as { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number }> }> })?.containers ?? []);
      const found = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === portStr);
      if (!found) throw unavailable(`error trying to reach service: dial tcp: lookup port ${portStr}: unknown port`);
      port = found.containerPort;
    }
  }
  return { scheme: sch, ip, port };
}

function serviceLocation(store: Store, ns: string, name: string, scheme: string | undefined, portStr: string | undefined): Location {
  let portName = portStr ?? '';
  if (/^\d+$/.test(portName)) {
    const svc = store.get('core/services', ns, name);
    const sp = ((svc?.['spec'] as { ports?: Array<{ name?: string; port: number }> } | undefined)?.ports ?? []).find((p) => p.port === Number(portName));
    if (!sp) throw unavailable(`no service port ${portName} found for service "${name}"`);
    portName = sp.name ?? '';
  }
  const ep = store.get('core/endpoints', ns, name);
  const subsets = (ep?.['subsets'] as Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number }> }> | undefined) ?? [];
  if (subsets.length === 0) throw unavailable(`no endpoints available for service "${name}"`);
  const seed = randomInt(subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(seed + i) % subsets.length]!;
    if (!ss.addresses?.length) continue;
    const p = (ss.ports ?? []).find((x) => (x.name ?? '') === portName);
    if (!p) continue;
    const addr = ss.addresses[randomInt(ss.addresses.length)]!;
    return { scheme: scheme === 'https' ? 'https' : 'http', ip: addr.ip, port: p.port };
  }
  const id = [scheme, name, portStr].filter((x) => x !== undefined).join(':');
  throw unavailable(`no endpoints available for service "${id}"`);
}

function forward(req: IncomingMessage, res: ServerResponse, loc: Location, subpath: string, query: URLSearchParams, target: ProxyTarget): Promise<void> {
  if (loc.ip === '127.0.0.1' || loc.ip.startsWith('169.254.') || loc.ip === '0.0.0.0') {
    // kube-apiserver refuses proxying to loopback and link-local addresses.
    throw errors.badRequest(`address not allowed`);
  }
  const dest = target.resolvePodPort(loc.ip, loc.port);
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || STRIPPED.test(k)) continue;
    headers[k] = v;
  }
  headers['host'] = `${loc.ip}:${loc.port}`;
  const fwd = req.socket.remoteAddress;
  if (fwd) headers['x-forwarded-for'] = fwd;
  const qs = query.toString();
  const path = `${subpath || '/'}${qs ? `?${qs}` : ''}`;
  return new Promise<void>((resolve) => {
    const make = loc.scheme === 'https' ? httpsRequest : httpRequest;
    const upstream = make(
      { host: dest.host, port: dest.port, method: req.method, path, headers, ...(loc.scheme === 'https' ? { rejectUnauthorized: false, servername: undefined } : {}) },
      (up) => {
        const out: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
        up.on('end', resolve);
        up.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.setTimeout(60_000, () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'ETIMEDOUT' ? 'i/o timeout' : err.message;
        const st = status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${loc.ip}:${loc.port}: ${why}`);
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(st));
      } else res.destroy();
      resolve();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}

export function createPodProxyHandler(store: Store, target: ProxyTarget): SubresourceHandler {
  return async (req, res, ctx: SubresourceContext) => {
    const pod = store.get('core/pods', ctx.namespace, ctx.name);
    if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, ctx.name);
    await forward(req, res, podLocation(pod, ctx.scheme, ctx.port), ctx.subpath, ctx.query, target);
  };
}

export function createServiceProxyHandler(store: Store, target: ProxyTarget): SubresourceHandler {
  return async (req, res, ctx: SubresourceContext) => {
    if (!store.get('core/services', ctx.namespace, ctx.name)) throw errors.notFound({ group: '', resource: 'services' }, ctx.name);
    await forward(req, res, serviceLocation(store, ctx.namespace, ctx.name, ctx.scheme, ctx.port), ctx.subpath, ctx.query, target);
  };
}
