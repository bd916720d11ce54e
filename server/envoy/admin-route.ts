/**
 * `/api/proxies/{namespace}/{pod}/admin/{path}` — the route handler's work, kept here so it is
 * tested without Next. The admin path is taken from the raw request URL (still percent-encoded,
 * so `%2f` or `%2e` cannot hide a `/` or `.` from the allow-list); the catch-all segments are the
 * fallback. The browser's headers are never forwarded (only the CSRF gate reads any).
 *
 * POST (the log-level change, the one call that changes a proxy) passes the console's CSRF gate
 * (`x-gatescope-csrf: 1`, same Origin) and is refused under `--read-only`, like every write route.
 */
import { rejectCrossSite } from '../http/csrf';
import type { AdminRequest, AdminResponse } from './admin';
import { adminErrorAnswer } from './admin';

export interface AdminRouteParams {
  namespace: string;
  pod: string;
  path?: string[];
}

export interface AdminClient {
  request(req: AdminRequest, signal?: AbortSignal): Promise<AdminResponse>;
}

const RAW = /^\/api\/proxies\/[^/]*\/[^/]*\/admin(\/.*)?$/;

/** The admin path as the client wrote it ("/config_dump", "/%2fquitquitquit", "//x"). */
export function rawAdminPath(url: URL, segments: string[] | undefined): string {
  const m = RAW.exec(url.pathname);
  if (m) return m[1] ?? '/';
  return '/' + (segments ?? []).join('/');
}

export interface AdminRouteOptions {
  /** The console runs with --read-only: POST is refused. */
  readOnly?: boolean;
}

export async function answerAdminRoute(request: Request, params: AdminRouteParams, client: AdminClient, opts: AdminRouteOptions = {}): Promise<Response> {
  if (request.method === 'POST') {
    const refused = rejectCrossSite(request);
    if (refused) return refused;
    if (opts.readOnly) {
      return Response.json({ error: 'gatescope runs with --read-only: it changes nothing on the proxies', reason: 'ReadOnly', code: 403 }, { status: 403 });
    }
  }
  const url = new URL(request.url);
  const call: AdminRequest = {
    namespace: params.namespace,
    pod: params.pod,
    method: request.method,
    path: rawAdminPath(url, params.path),
    query: url.search,
  };
  try {
    const res = await client.request(call, request.signal);
    return new Response(new Uint8Array(res.body), {
      status: res.status,
      headers: {
        'content-type': res.contentType,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; sandbox",
        'x-gatescope-upstream': `${res.upstream.method} ${res.upstream.path}`,
      },
    });
  } catch (err) {
    const { status, body } = adminErrorAnswer(err);
    if (status === 500) console.error(err);
    return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
  }
}
