/**
 * httpbin, the way the istio samples run it: `docker.io/mccutchen/go-httpbin` (port 8080, header
 * values as arrays) or `kennethreitz/httpbin` / `docker.io/kong/httpbin` (port 80, header values as
 * strings). Endpoints: `/status/{code}` (also `200:3,503:1` weighted lists), `/delay/{seconds}`
 * (capped at 10 s), `/headers`, `/get`, `/ip`, `/user-agent`, `/uuid`, `/anything[/...]`, `/`.
 * One common-log line per request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../kubelet/container';
import { commonLogLine, containerPorts, serveOnPorts } from './common';

export type HttpbinFlavour = 'go' | 'python';

export const MAX_DELAY_SECONDS = 10;
const MAX_BODY = 1024 * 1024;

const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

function canonical(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

function headersOf(req: IncomingMessage, flavour: HttpbinFlavour): Record<string, string | string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const k = canonical(req.rawHeaders[i]!);
    (out[k] ??= []).push(req.rawHeaders[i + 1]!);
  }
  if (flavour === 'go') return out;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join(',')]));
}

function argsOf(url: URL, flavour: HttpbinFlavour): Record<string, string | string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (out[k] ??= []).push(v);
  if (flavour === 'go') return out;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

function originOf(req: IncomingMessage, flavour: HttpbinFlavour): string {
  const xff = req.headers['x-forwarded-for'];
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (typeof xff === 'string' && xff) return flavour === 'go' ? xff.split(',')[0]!.trim() : xff;
  return remote;
}

/** Picks a code from `418`, or a weighted list `200:3,503:1` (weights default to 1). */
export function chooseStatus(spec: string, random: () => number): number | undefined {
  const choices: Array<[number, number]> = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(\d{3})(?::(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (!m) return undefined;
    choices.push([Number(m[1]), m[2] === undefined ? 1 : Number(m[2])]);
  }
  const total = choices.reduce((a, [, w]) => a + w, 0);
  if (choices.length === 0 || total <= 0) return undefined;
  let r = random() * total;
  for (const [code, w] of choices) {
    if ((r -= w) < 0) return code;
  }
  return choices[choices.length - 1]![0];
}

export interface HttpbinOptions {
  flavour?: HttpbinFlavour;
  random?: () => number;
}

export class HttpbinImpl implements ContainerImpl {
  constructor(private readonly opts: HttpbinOptions = {}) {}

  async start(ctx: ContainerContext): Promise<RunningContainer> {
    const flavour = this.opts.flavour ?? 'go';
    const random = this.opts.random ?? Math.random;
    const timers = new Set<NodeJS.Timeout>();

    const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'httpbin'}`);
      const path = url.pathname;
      const json = (status: number, value: unknown, extra: Record<string, string> = {}) => {
        const text = `${JSON.stringify(value, null, 2)}\n`;
        send(status, text, { 'content-type': 'application/json', ...extra });
      };
      const send = (status: number, text: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true', date: new Date().toUTCString(), 'content-length': String(Buffer.byteLength(text)), ...headers });
        res.end(req.method === 'HEAD' ? undefined : text);
        ctx.log(commonLogLine({ remote: req.socket.remoteAddress, at: new Date(), requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, status, bytes: req.method === 'HEAD' ? 0 : Buffer.byteLength(text) }));
      };
      const requestInfo = (withBody: boolean) => {
        const info: Record<string, unknown> = { args: argsOf(url, flavour), headers: headersOf(req, flavour), method: req.method, origin: originOf(req, flavour), url: url.toString() };
        if (withBody) {
          const text = body.toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          Object.assign(info, { data: text, files: {}, form: {}, json: parsed });
        }
        return info;
      };

      let m: RegExpExecArray | null;
      if (path === '/' || path === '') return send(200, '<!DOCTYPE html>\n<html><head><title>httpbin</title></head><body><h1>httpbin</h1><p>A simple HTTP Request &amp; Response Service (gatescope sandbox).</p></body></html>\n', { 'content-type': 'text/html; charset=utf-8' });
      if ((m = /^\/status\/([^/]+)$/.exec(path))) {
        const code = chooseStatus(decodeURIComponent(m[1]!), random);
        if (code === undefined || code < 100 || code > 599) return send(400, 'Invalid status\n', { 'content-type': 'text/plain; charset=utf-8' });
        if (code === 418) return send(418, TEAPOT, { 'x-more-info': 'http://tools.ietf.org/html/rfc2324', 'content-type': 'text/plain; charset=utf-8' });
        if (code >= 300 && code < 400 && code !== 304) return send(code, '', { location: '/redirect/1' });
        if (code === 401) return send(401, '', { 'www-authenticate': 'Basic realm="Fake Realm"' });
        return send(code, '', { 'content-type': 'text/plain; charset=utf-8' });
      }
      if ((m = /^\/delay\/([^/]+)$/.exec(path))) {
        const secs = Number(m[1]);
        if (!Number.isFinite(secs) || secs < 0) return send(400, 'Invalid delay\n', { 'content-type': 'text/plain; charset=utf-8' });
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) json(200, requestInfo(true));
        }, Math.min(secs, MAX_DELAY_SECONDS) * 1000);
        timers.add(t);
        res.once('close', () => {
          clearTimeout(t);
          timers.delete(t);
        });
        return;
      }
      if (path === '/headers') return json(200, { headers: headersOf(req, flavour) });
      if (path === '/ip') return json(200, { origin: originOf(req, flavour) });
      if (path === '/user-agent') return json(200, { 'user-agent': req.headers['user-agent'] ?? '' });
      if (path === '/uuid') return json(200, { uuid: randomUUID() });
      if (path === '/get') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, '', { allow: 'GET, HEAD, OPTIONS' });
        const info = requestInfo(false);
        return json(200, info);
      }
      if (path === '/anything' || path.startsWith('/anything/')) return json(200, requestInfo(true));
      return send(404, flavour === 'go' ? '404 page not found\n' : '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n', { 'content-type': flavour === 'go' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8' });
    };

    const make = () =>
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        req.on('end', () => handle(req, res, Buffer.concat(chunks)));
        req.on('error', () => res.destroy());
      });
    return serveOnPorts(ctx, containerPorts(ctx, flavour === 'go' ? 8080 : 80), make, () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    });
  }
}
