/**
 * A request to simulate, and the normalised view of it that route matching reads.
 */

/** What the client sends. */
export interface SimRequest {
  /** Default `GET`. */
  method?: string;
  /** The authority (`Host` header / `:authority`), may include `:port`. */
  host: string;
  /**
   * The port the client connects to. This is a **port of the gateway Service** (`80`, `443`,
   * `3306`): the number Gateway servers are written with. A NodePort (`30000`) or a gateway pod
   * container port (`8080`) is accepted too and translated (the result says which it was).
   * Default: the port in `host`, else 443 for HTTPS/TLS and 80 otherwise.
   */
  port?: number;
  /** Path with optional query (`/status/418?x=1`). Default `/`. */
  path?: string;
  /** Request headers; names are case-insensitive; several values of one header are joined with `,`. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** TLS SNI. Default: the host without port, for HTTPS/TLS. */
  sni?: string;
  /**
   * What the client speaks: `HTTP` (default), `HTTPS` (TLS, then HTTP), `TLS` (opaque TLS) or
   * `TCP` (opaque bytes, e.g. MySQL).
   */
  protocol?: 'HTTP' | 'HTTPS' | 'TLS' | 'TCP';
}

/** The request as route matching sees it. */
export interface RequestView {
  method: string;
  scheme: 'http' | 'https';
  /** `:authority` exactly as sent (with the port when the client sent one). */
  authority: string;
  /** The host without port, lower case: what virtual-host selection uses. */
  host: string;
  /** `:path` as sent. */
  rawPath: string;
  /** The path without query and fragment, normalised as Envoy's `normalize_path` does at Istio gateways (unreserved escapes decoded, dot segments removed). */
  path: string;
  /** The query string without `?`. */
  query: string;
  /** Query parameters, percent-decoded; the first value is the one Envoy matches. */
  queryParams: ReadonlyMap<string, string[]>;
  /** Lower-case names; several values joined with `,`. */
  headers: ReadonlyMap<string, string>;
}

/** RFC 3986 §5.2.4 remove_dot_segments (Envoy `normalize_path`, on by default at Istio gateways). */
export function removeDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const input = path.split('/');
  const out: string[] = [];
  for (const [i, seg] of input.entries()) {
    if (seg === '.') {
      if (i === input.length - 1) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length > 1) out.pop();
      if (i === input.length - 1) out.push('');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/**
 * The percent-decoding half of Envoy's `normalize_path` (Chromium's URL path canonicalizer):
 * escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded, every other escape is kept
 * with its hex digits upper-cased. So `/%69tems` is routed as `/items`, and `/%2e%2e/x` as `/../x`
 * (then removed as a dot segment); `%2F` stays an escape.
 *
 * @example decodeUnreserved('/%69tems/%2f') // '/items/%2F'
 */
export function decodeUnreserved(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9a-fA-F]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : m.toUpperCase();
  });
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `a=1&b&c=2&a=3` as Envoy does for matching (no `+` to space). */
export function parseQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!query) return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = percentDecode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : percentDecode(part.slice(eq + 1));
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** Builds the view route matching reads. */
export function requestView(req: SimRequest, scheme: 'http' | 'https'): RequestView {
  const rawPath = req.path && req.path !== '' ? req.path : '/';
  const hashless = rawPath.split('#')[0]!;
  const q = hashless.indexOf('?');
  const pathOnly = q < 0 ? hashless : hashless.slice(0, q);
  const query = q < 0 ? '' : hashless.slice(q + 1);
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    const name = k.toLowerCase();
    const value = typeof v === 'string' ? v : v.join(',');
    headers.set(name, headers.has(name) ? `${headers.get(name)},${value}` : value);
  }
  const authority = req.host;
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d+$/, '');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    scheme,
    authority,
    host: host.toLowerCase(),
    rawPath,
    path: removeDotSegments(decodeUnreserved(pathOnly.startsWith('/') ? pathOnly : `/${pathOnly}`)),
    query,
    queryParams: parseQuery(query),
    headers,
  };
}
