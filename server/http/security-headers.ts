/**
 * Response headers every answer of the console carries, and the Content-Security-Policy of its
 * pages.
 *
 * The policy is nonce-based: a fresh nonce per request goes into `script-src` with
 * 'strict-dynamic', so only the scripts Next renders (it reads the nonce from the request's
 * `content-security-policy` header and stamps it on its inline and chunk scripts) and what they
 * load run; no inline script from injected markup does. Pages are rendered per request
 * (app/layout.tsx is dynamic), so every page gets its own nonce.
 * `style-src` allows inline styles: React style attributes (the graph's node positions) need it;
 * CSS cannot run script. Development mode (`--dev`) adds 'unsafe-eval', which React's dev build uses.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // 'self' covers same-origin ws:/wss: (CSP Level 3).
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sets the security headers on `res` and puts the policy on `req` too, where Next finds the nonce.
 * Any `content-security-policy` header the client sent is replaced.
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, opts: { dev?: boolean } = {}): string {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, opts);
  delete req.headers['content-security-policy-report-only'];
  req.headers['content-security-policy'] = csp;
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // URLs never carry secrets, and no Referer leaves the console either way.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  return nonce;
}
