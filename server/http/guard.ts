/**
 * Host and Origin checks for the console's own HTTP surface.
 *
 * The console listens on loopback by default; a page on another origin can still reach it through
 * DNS rebinding (a hostile name resolving to 127.0.0.1), so every request's Host must be one we
 * serve, and every WebSocket handshake's Origin must be our own origin (browsers send cookies with
 * cross-site WebSocket handshakes). kubectl proxy's `--accept-hosts` default is the model.
 */
import type { IncomingMessage } from 'node:http';

export interface GuardOptions {
  /** Host names (without port) the console answers to. Loopback names by default. */
  allowedHosts: string[];
  /** The port the console listens on, for Origin checks. */
  port: number;
  /** Exact origins also accepted (`--public-url`, e.g. `https://gatescope.example.com` behind an ingress). */
  allowedOrigins?: string[];
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function hostAllowed(req: IncomingMessage, opts: GuardOptions): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const name = stripPort(host).toLowerCase();
  return opts.allowedHosts.includes(name);
}

/** True when Origin is exactly one of our own origins (scheme, allowed host and our port). */
export function originAllowed(req: IncomingMessage, opts: GuardOptions): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (opts.allowedOrigins?.includes(url.origin.toLowerCase())) return true;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return port === opts.port && opts.allowedHosts.includes(url.hostname.toLowerCase() === '::1' ? '[::1]' : url.hostname.toLowerCase());
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const i = host.lastIndexOf(':');
  return i === -1 ? host : host.slice(0, i);
}
