/**
 * Test support for data-plane tests against a running sandbox: the REST API with the sandbox's
 * token (reads, patches, pods/log), HTTP through the NodePorts, GETs through client-node's
 * PortForward (as the console reaches Envoy admin :15000 and istiod :15014), and condition waits.
 */
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';
import type { RunningSandbox } from '../../start';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class ClusterClient {
  readonly kc = new KubeConfig();
  readonly keepAlive = new Agent({ keepAlive: true, maxSockets: 32 });

  constructor(readonly sb: RunningSandbox) {
    this.kc.loadFromFile(sb.kubeconfigPath);
  }

  /** A REST call to the sandbox API server. JSON bodies; `contentType` for patches. */
  api(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = httpsRequest(
        `${this.sb.apiUrl}${path}`,
        { method, ca: this.sb.caPem, headers: { authorization: `Bearer ${this.sb.token}`, accept: 'application/json', ...(data !== undefined ? { 'content-type': contentType } : {}) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.setTimeout(15_000, () => req.destroy(new Error('API request timed out')));
      req.end(data);
    });
  }

  async apiOk(method: string, path: string, body?: unknown, contentType?: string): Promise<Record<string, unknown>> {
    const r = await this.api(method, path, body, contentType);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
    return JSON.parse(r.body) as Record<string, unknown>;
  }

  /** HTTP to 127.0.0.1:port with a Host header (keep-alive unless `fresh`). */
  http(port: number, path: string, host: string, headers: Record<string, string> = {}, fresh = false): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: fresh ? false : this.keepAlive }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
      req.end();
    });
  }

  /** `GET path` over a port-forward to a pod's port (loopback listeners included). */
  async portForwardGet(namespace: string, pod: string, port: number, path: string): Promise<Reply> {
    const pf = new PortForward(this.kc);
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let raw = Buffer.alloc(0);
    let err = '';
    output.on('data', (d: Buffer) => (raw = Buffer.concat([raw, d])));
    errors.on('data', (d: Buffer) => (err += d.toString()));
    const ws = (await pf.portForward(namespace, pod, [port], output, errors, input)) as { close(): void };
    try {
      input.write(`GET ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: gatescope-test\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
      return await until(() => {
        if (err) throw new Error(`port-forward error: ${err}`);
        return parseResponse(raw);
      }, `the answer to GET ${path} through port-forward`, 10_000);
    } finally {
      ws.close();
    }
  }
}

/** A complete HTTP/1.1 response in `raw`, or undefined while incomplete. */
export function parseResponse(raw: Buffer): Reply | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: IncomingHttpHeaders = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(headEnd + 4);
  if (String(headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', pos);
      if (lineEnd < 0) return undefined;
      const size = parseInt(body.subarray(pos, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (size === 0) break;
      if (body.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else {
    const len = Number(headers['content-length'] ?? NaN);
    if (!Number.isNaN(len)) {
      if (body.length < len) return undefined;
      body = body.subarray(0, len);
    } else return undefined;
  }
  return { status, headers, body: body.toString('utf8') };
}

/** Polls `fn` until it returns a truthy value; fails after `ms` with the last error. */
export async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
