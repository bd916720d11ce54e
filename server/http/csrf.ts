/**
 * Cross-site request forgery guard for the console's state-changing routes (PUT, POST, DELETE).
 *
 * A page on another origin can make the browser send a request to 127.0.0.1 (a "simple" form POST
 * needs no preflight, and Next's route handlers have no CSRF protection of their own). Two checks,
 * both required:
 * 1. the custom header `x-gatescope-csrf: 1` — a cross-origin page can only set it after a CORS
 *    preflight, which the console never grants;
 * 2. when the browser sends `Origin` (every cross-origin request and every same-origin non-GET in
 *    current browsers), it must be the request's own origin: the scheme of the request URL and its
 *    `Host` header (which the custom server has already checked against the allowed host names,
 *    against DNS rebinding). `Origin: null` (sandboxed frames, file:) is refused.
 * `Sec-Fetch-Site: cross-site|same-site` is refused as well, for browsers that send it without Origin.
 */

import { tryGetRuntime } from '../runtime';

export const CSRF_HEADER = 'x-gatescope-csrf';

/**
 * Why `req` must be refused, or undefined when it passes. `publicOrigins` (`--public-url`) are
 * accepted too: behind a TLS-terminating proxy the browser's origin is https while the request
 * reaches the console over http.
 */
export function csrfViolation(req: Request, publicOrigins: readonly string[] = tryGetRuntime()?.publicOrigins ?? []): string | undefined {
  if (req.headers.get(CSRF_HEADER) !== '1') return `missing ${CSRF_HEADER}: 1 header`;
  const site = req.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return `cross-origin request (Sec-Fetch-Site: ${site})`;
  const origin = req.headers.get('origin');
  if (origin === null) return undefined;
  const o = origin.toLowerCase();
  if (!ownOrigins(req).includes(o) && !publicOrigins.includes(o)) return `Origin ${origin} is not this console's origin`;
  return undefined;
}

/** The origins the request itself was addressed to: `<scheme>://<Host header>` and the URL's own origin. */
function ownOrigins(req: Request): string[] {
  const out: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(req.url);
    out.push(url.origin.toLowerCase());
  } catch {
    /* a relative URL: only the Host header can tell */
  }
  const host = req.headers.get('host');
  if (host) {
    const scheme = url?.protocol ?? 'http:';
    try {
      out.push(new URL(`${scheme}//${host}`).origin.toLowerCase());
    } catch {
      /* a malformed Host matches nothing */
    }
  }
  return out;
}

/** A 403 JSON answer when `req` fails the CSRF checks, else undefined. */
export function rejectCrossSite(req: Request): Response | undefined {
  const why = csrfViolation(req);
  if (!why) return undefined;
  return Response.json({ error: `gatescope refused a state-changing request: ${why}`, reason: 'CSRF', code: 403 }, { status: 403 });
}
