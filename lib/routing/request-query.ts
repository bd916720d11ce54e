/**
 * A simulated request as a URL query string (`/simulate?host=web.example.com&path=/v1&h=x-canary:true`)
 * and back, so a simulation can be linked to, and `k=v` / `k: v` header arguments as the CLI
 * takes them.
 */
import type { AccessLogEntry } from '../accesslog/format';
import type { SimRequest } from './request';

export const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP'] as const;

/** `x-canary=true`, `x-canary: true` → `['x-canary', 'true']`; undefined when there is no name. */
export function parseHeaderArg(arg: string): [string, string] | undefined {
  const eq = arg.indexOf('=');
  const colon = arg.indexOf(':');
  const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (at <= 0) return undefined;
  const name = arg.slice(0, at).trim().toLowerCase();
  if (!name) return undefined;
  return [name, arg.slice(at + 1).trim()];
}

/** Header arguments as a header map (several values of one header joined with `,`, as HTTP does). */
export function headersFromArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const kv = parseHeaderArg(a);
    if (!kv) continue;
    out[kv[0]] = out[kv[0]] !== undefined ? `${out[kv[0]]},${kv[1]}` : kv[1];
  }
  return out;
}

/** The request a query string describes (`host`, `path`, `method`, `port`, `protocol`, repeated `h=name:value`). */
export function simRequestFromQuery(q: URLSearchParams): SimRequest {
  const req: SimRequest = { host: q.get('host') ?? '' };
  const method = q.get('method');
  if (method) req.method = method.toUpperCase();
  const path = q.get('path');
  if (path) req.path = path;
  const port = Number(q.get('port'));
  if (q.get('port') && Number.isInteger(port) && port > 0 && port < 65536) req.port = port;
  const protocol = (q.get('protocol') ?? '').toUpperCase();
  if ((PROTOCOLS as readonly string[]).includes(protocol) && protocol !== 'HTTP') req.protocol = protocol as SimRequest['protocol'];
  const headers = headersFromArgs(q.getAll('h'));
  if (Object.keys(headers).length) req.headers = headers;
  return req;
}

/** The query string of a request (defaults left out). */
export function simRequestToQuery(req: SimRequest): string {
  const q = new URLSearchParams();
  if (req.method && req.method.toUpperCase() !== 'GET') q.set('method', req.method.toUpperCase());
  q.set('host', req.host);
  if (req.port) q.set('port', String(req.port));
  q.set('path', req.path || '/');
  if (req.protocol && req.protocol !== 'HTTP') q.set('protocol', req.protocol);
  for (const [k, v] of Object.entries(req.headers ?? {})) q.append('h', `${k}:${typeof v === 'string' ? v : v.join(',')}`);
  return q.toString();
}

/**
 * The request an access-log line describes, to ask the simulator about it ("which route should
 * have served this?"): method, authority, path and the gateway pod port it arrived on
 * (`%DOWNSTREAM_LOCAL_ADDRESS%`; the simulator maps a pod port to its listener). TLS is assumed
 * when the line has an SNI (`%REQUESTED_SERVER_NAME%`). Undefined for lines without an authority
 * (TCP connections).
 *
 * @example simRequestFromAccessLog({ method: 'GET', authority: 'web.example.com', path: '/v1', downstreamLocalAddress: '10.1.0.5:8080' })
 * // { method: 'GET', host: 'web.example.com', path: '/v1', port: 8080 }
 */
export function simRequestFromAccessLog(e: Pick<AccessLogEntry, 'method' | 'authority' | 'path' | 'downstreamLocalAddress' | 'requestedServerName'>): SimRequest | undefined {
  if (!e.authority) return undefined;
  const req: SimRequest = { host: e.authority, path: e.path || '/' };
  if (e.method) req.method = e.method;
  const port = Number(/:(\d+)$/.exec(e.downstreamLocalAddress ?? '')?.[1]);
  if (Number.isInteger(port) && port > 0) req.port = port;
  if (e.requestedServerName) {
    req.protocol = 'HTTPS';
    req.sni = e.requestedServerName;
  }
  return req;
}
