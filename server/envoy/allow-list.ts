/**
 * What the console may ask a gateway's Envoy admin API (:15000), decided before any connection
 * opens. Envoy's admin API can stop the proxy (`/quitquitquit`), drain it (`/drain_listeners`,
 * `/healthcheck/fail`) or change it (`/runtime_modify`) and has no authentication of its own
 * (reliability notes §1.2), so the console never forwards a client's path: it looks the path up
 * in a fixed table and builds the upstream request from the table's entry.
 *
 * Decisions (documented in server/envoy/README.md):
 * - A path must equal one of the table's paths exactly. Anything with `%` (encoded `/` or `.`),
 *   `\`, `//`, `.` or `..` segments, a `?`/`#` inside the path, control characters or more than
 *   128 characters is refused with the reason, before the lookup.
 * - GET for every read; POST only to `/logging` with exactly one key, `level=<level>` or
 *   `<logger>=<level>`. GET `/logging` (no query) reads the levels: it is sent to Envoy as a POST
 *   without parameters, which changes nothing and is how istioctl reads them (Envoy answers a
 *   GET on /logging with 405 "POST required"). GET `/logging?level=…` is refused.
 * - Unknown query keys are refused, not dropped (a dropped key would make the answer look like
 *   it honoured a filter it ignored); a repeated key is refused; values are checked per key.
 */

export type AdminMethod = 'GET' | 'POST';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;

const MiB = 1024 * 1024;

type ValueCheck = (v: string) => string | undefined;

const oneOf =
  (...allowed: string[]): ValueCheck =>
  (v) =>
    allowed.includes(v) ? undefined : `must be ${allowed.map((a) => (a === '' ? 'empty' : a)).join(' or ')}`;
const pattern =
  (re: RegExp, what: string): ValueCheck =>
  (v) =>
    re.test(v) ? undefined : what;
/** A regular expression Envoy compiles with RE2 (linear time): printable ASCII, bounded length. */
const regex: ValueCheck = (v) => (/^[\x20-\x7e]{1,256}$/.test(v) ? undefined : 'must be 1 to 256 printable ASCII characters');
const flag = oneOf('', 'true');

export interface AdminEndpoint {
  path: string;
  /** What it shows, for refusals and the UI. */
  description: string;
  query: Record<string, ValueCheck>;
  maxBytes: number;
  timeoutMs: number;
}

const endpoint = (path: string, description: string, query: Record<string, ValueCheck> = {}, maxBytes = 4 * MiB, timeoutMs = 10_000): AdminEndpoint => ({ path, description, query, maxBytes, timeoutMs });

/** The GET paths the console may read, with their query keys. */
export const ADMIN_GET_ENDPOINTS: ReadonlyMap<string, AdminEndpoint> = new Map(
  [
    endpoint(
      '/config_dump',
      'the configuration Envoy holds',
      {
        resource: pattern(/^[a-z_]{1,64}$/, 'must be a config_dump resource name such as dynamic_active_clusters'),
        mask: pattern(/^[A-Za-z0-9_.,]{1,256}$/, 'must be a field mask (names, dots and commas)'),
        include_eds: flag,
        name_regex: regex,
      },
      32 * MiB,
      20_000,
    ),
    endpoint('/clusters', 'upstream clusters and endpoint health', { format: oneOf('json', 'text') }, 16 * MiB),
    endpoint('/listeners', 'listeners and their addresses', { format: oneOf('json', 'text') }),
    endpoint('/server_info', 'version, state, uptime'),
    endpoint('/ready', 'LIVE or not'),
    endpoint('/certs', 'certificates and their expiry'),
    endpoint('/memory', 'heap usage'),
    endpoint('/stats', 'statistics', { format: oneOf('json', 'prometheus'), filter: regex, usedonly: flag }, 16 * MiB),
    endpoint('/stats/prometheus', 'statistics in Prometheus format', { filter: regex, usedonly: flag }, 16 * MiB),
    endpoint('/runtime', 'runtime values'),
    endpoint('/logging', 'log levels per logger'),
  ].map((e) => [e.path, e]),
);

/** Admin paths the console never calls, with what they would do (for the refusal message). */
const DENIED: Record<string, string> = {
  '/quitquitquit': 'it shuts the proxy down',
  '/healthcheck/fail': 'it fails the health checks, which drains the gateway',
  '/healthcheck/ok': 'it changes the health-check state',
  '/drain_listeners': 'it stops the listeners',
  '/runtime_modify': 'it changes runtime values',
  '/reset_counters': 'it resets statistics',
  '/cpuprofiler': 'it starts or stops a profiler',
  '/heapprofiler': 'it starts or stops a profiler',
  '/allocprofiler': 'it starts or stops a profiler',
  '/reopen_logs': 'it reopens the access logs',
  '/tap': 'it taps live traffic',
  '/stats/recentlookups/enable': 'it changes stats tracking',
  '/stats/recentlookups/disable': 'it changes stats tracking',
  '/stats/recentlookups/clear': 'it changes stats tracking',
  '/heap_dump': 'it is heavy for the proxy',
  '/contention': 'it is heavy for the proxy',
  '/hystrix_event_stream': 'it streams without end',
  '/init_dump': 'the console does not need it',
  '/': 'the admin home page is HTML the console does not serve',
  '/help': 'the console does not need it',
};

export interface AdminCall {
  method: string;
  /** The admin path as it arrived (still percent-encoded), e.g. `/config_dump`. */
  path: string;
  query?: URLSearchParams | Record<string, string> | string;
}

export type AdminDecision =
  | {
      ok: true;
      /** What is sent upstream (GET /logging goes out as a parameterless POST, see above). */
      method: AdminMethod;
      path: string;
      query: Record<string, string>;
      /** True for POST /logging with a level (a change on the proxy, to be audited). */
      mutating: boolean;
      maxBytes: number;
      timeoutMs: number;
    }
  | { ok: false; reason: string };

const refuse = (reason: string): AdminDecision => ({ ok: false, reason });
const show = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

function pathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path === '') return 'an admin path is required';
  if (path.length > 128) return 'the admin path is too long';
  if (/[\x00-\x20\x7f]/.test(path)) return `the admin path ${show(path)} contains spaces or control characters`;
  if (path.includes('%')) return `the admin path ${show(path)} contains percent-encoded characters, which are not allowed (an encoded '/' or '.' could change its meaning)`;
  if (path.includes('\\')) return `the admin path ${show(path)} contains a backslash`;
  if (path.includes('?') || path.includes('#')) return `the admin path ${show(path)} contains '?' or '#': send the query separately`;
  if (!path.startsWith('/')) return `the admin path ${show(path)} must start with '/'`;
  if (path.includes('//')) return `the admin path ${show(path)} contains an empty segment ('//')`;
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) return `the admin path ${show(path)} contains a '.' or '..' segment`;
  return undefined;
}

function toEntries(q: AdminCall['query']): Array<[string, string]> | string {
  if (q === undefined) return [];
  if (typeof q === 'string') {
    if (/[\x00-\x1f\x7f]/.test(q)) return 'the query contains control characters';
    return [...new URLSearchParams(q.startsWith('?') ? q.slice(1) : q).entries()];
  }
  if (q instanceof URLSearchParams) return [...q.entries()];
  return Object.entries(q);
}

const LOGGER = /^[a-z][a-z0-9_]{0,63}$/;

function checkLoggingPost(entries: Array<[string, string]>): string | undefined {
  if (entries.length !== 1) return 'POST /logging takes exactly one query key: level=<level> or <logger>=<level>';
  const [key, value] = entries[0]!;
  if (key !== 'level' && !LOGGER.test(key)) return `${show(key)} is not a logger name`;
  if (key === 'paths') return 'POST /logging with paths= is not allowed: change one logger at a time';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) return `${show(value)} is not a log level (${LOG_LEVELS.join(', ')})`;
  return undefined;
}

/** Decides whether the console may make this admin call, and how it goes upstream. */
export function checkAdminCall(call: AdminCall): AdminDecision {
  const method = String(call.method ?? '').toUpperCase();
  if (method !== 'GET' && method !== 'POST') return refuse(`method ${show(method)} is not allowed: the console reads the Envoy admin API with GET and POSTs only to /logging`);
  const problem = pathProblem(call.path);
  if (problem) return refuse(problem);
  const path = call.path;
  const entries = toEntries(call.query);
  if (typeof entries === 'string') return refuse(entries);
  const seen = new Set<string>();
  for (const [k] of entries) {
    if (seen.has(k)) return refuse(`the query key ${show(k)} is repeated`);
    seen.add(k);
  }

  if (method === 'POST') {
    if (path !== '/logging') {
      const why = DENIED[path];
      return refuse(`POST ${path} is not allowed${why ? `: ${why}` : ''}; the only POST the console makes is /logging to change a log level`);
    }
    const why = checkLoggingPost(entries);
    if (why) return refuse(why);
    const [key, value] = entries[0]!;
    return { ok: true, method: 'POST', path: '/logging', query: { [key]: value }, mutating: true, maxBytes: 1 * MiB, timeoutMs: 10_000 };
  }

  const ep = ADMIN_GET_ENDPOINTS.get(path);
  if (!ep) {
    const why = DENIED[path];
    if (why) return refuse(`${path} is not allowed: ${why}`);
    return refuse(`${show(path)} is not an Envoy admin path the console reads (allowed: ${[...ADMIN_GET_ENDPOINTS.keys()].join(', ')})`);
  }
  if (path === '/logging' && entries.length > 0) {
    return refuse('GET /logging with a query would change log levels: use POST /logging with level=<level> or <logger>=<level>');
  }
  const query: Record<string, string> = {};
  for (const [k, v] of entries) {
    const check = ep.query[k];
    if (!check) {
      const keys = Object.keys(ep.query);
      return refuse(`the query key ${show(k)} is not allowed for ${path} (${keys.length ? `allowed: ${keys.join(', ')}` : 'it takes no query'})`);
    }
    const why = check(v);
    if (why) return refuse(`${k}=${show(v)} is not allowed for ${path}: ${why}`);
    query[k] = v;
  }
  if (path === '/logging') return { ok: true, method: 'POST', path: '/logging', query: {}, mutating: false, maxBytes: ep.maxBytes, timeoutMs: ep.timeoutMs };
  return { ok: true, method: 'GET', path, query, mutating: false, maxBytes: ep.maxBytes, timeoutMs: ep.timeoutMs };
}
