/**
 * The console's only door to a gateway pod's Envoy admin API (:15000 on the pod's loopback):
 * names checked, the call checked against the allow-list (`allow-list.ts`), and only then a
 * port-forward opened (`server/kube/port-forward.ts`), with the allow-list's size and time caps.
 * Nothing of the caller's request but the checked method, path and query goes upstream.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { podRefError } from '../../lib/kube/names';
import { ForwardPool, forwardRequest, PortForwardError } from '../kube/port-forward';
import { checkAdminCall, type AdminCall, type AdminMethod } from './allow-list';

export const ENVOY_ADMIN_PORT = 15000;

export interface AdminRequest extends AdminCall {
  namespace: string;
  pod: string;
}

export interface AdminResponse {
  /** Envoy's status code (e.g. 503 from /ready while the proxy is not LIVE). */
  status: number;
  /** Envoy's content type, reduced to JSON or plain text. */
  contentType: 'application/json' | 'text/plain; charset=utf-8';
  body: Buffer;
  /** What was actually sent. */
  upstream: { method: AdminMethod; path: string; query: Record<string, string> };
}

/** The call is not one the console makes (answered 403, with the reason). */
export class AdminRefusedError extends Error {
  readonly status = 403;
  constructor(reason: string) {
    super(reason);
    this.name = 'AdminRefusedError';
  }
}

/** A namespace or pod name that is not a Kubernetes name (answered 400). */
export class InvalidNameError extends Error {
  readonly status = 400;
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidNameError';
  }
}

export interface AdminRequestOptions {
  pool?: ForwardPool;
  signal?: AbortSignal;
  /** Receives one line per call that changes the proxy (POST /logging). */
  audit?: (line: string) => void;
  /** Overrides of the allow-list's caps (tests). */
  maxBytes?: number;
  timeoutMs?: number;
}

function contentTypeOf(h: string | string[] | undefined): AdminResponse['contentType'] {
  const v = (Array.isArray(h) ? h[0] : h) ?? '';
  return /^application\/json\b/i.test(v) ? 'application/json' : 'text/plain; charset=utf-8';
}

/**
 * Checks and performs one Envoy admin call. Throws InvalidNameError or AdminRefusedError before
 * any connection opens, PortForwardError when the pod cannot be reached.
 */
export async function adminRequest(kc: KubeConfig, req: AdminRequest, opts: AdminRequestOptions = {}): Promise<AdminResponse> {
  const badName = podRefError(req.namespace, req.pod);
  if (badName) throw new InvalidNameError(badName);
  const d = checkAdminCall(req);
  if (!d.ok) throw new AdminRefusedError(d.reason);
  if (d.mutating) {
    const q = new URLSearchParams(d.query).toString();
    opts.audit?.(`envoy admin: ${d.method} ${d.path}?${q} on ${req.namespace}/${req.pod} as ${kc.getCurrentUser()?.name ?? 'unknown user'} (context ${kc.getCurrentContext()})`);
  }
  const res = await forwardRequest(kc, d.method, {
    namespace: req.namespace,
    pod: req.pod,
    port: ENVOY_ADMIN_PORT,
    path: d.path,
    query: d.query,
    maxBytes: opts.maxBytes ?? d.maxBytes,
    timeoutMs: opts.timeoutMs ?? d.timeoutMs,
    pool: opts.pool,
    signal: opts.signal,
  });
  return { status: res.status, contentType: contentTypeOf(res.headers['content-type']), body: res.body, upstream: { method: d.method, path: d.path, query: d.query } };
}

/** The runtime's Envoy admin client: pooled connections per gateway pod, audit lines to the log. */
export class EnvoyAdmin {
  readonly pool: ForwardPool;

  constructor(
    readonly kc: KubeConfig,
    private readonly opts: { idleMs?: number; audit?: (line: string) => void } = {},
  ) {
    this.pool = new ForwardPool(kc, { idleMs: opts.idleMs ?? 30_000 });
  }

  request(req: AdminRequest, signal?: AbortSignal): Promise<AdminResponse> {
    return adminRequest(this.kc, req, { pool: this.pool, signal, audit: this.opts.audit });
  }

  close(): void {
    this.pool.close();
  }
}

/** The HTTP status and JSON body for an error of adminRequest. */
export function adminErrorAnswer(err: unknown): { status: number; body: { error: string; refused?: true } } {
  if (err instanceof AdminRefusedError) return { status: 403, body: { error: err.message, refused: true } };
  if (err instanceof InvalidNameError) return { status: 400, body: { error: err.message } };
  if (err instanceof PortForwardError) return { status: err.httpStatus, body: { error: err.message } };
  return { status: 500, body: { error: (err as Error)?.message ?? 'internal error' } };
}
