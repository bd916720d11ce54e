/**
 * Filters over log records, the same in the browser (the Logs page's filter bar), on the server
 * (a `logs` subscription's params) and in the CLI (`--filter`).
 *
 * @example matchesFilter(record, { status: ['4xx'], q: 'web.example.com' })
 */
import { splitFlags } from '../accesslog/response-flags';
import { re2 } from '../routing/regex';
import { statusClass, type LogKind, type LogRecord } from './record';

export interface LogFilter {
  /** `namespace/name` or name of gateway pods (any of). */
  pods?: string[];
  /** `2xx`, `4xx`, `5xx`, `0`, or an exact code such as `404` (any of). */
  status?: string[];
  /** HTTP methods (any of). */
  methods?: string[];
  /** Substring of `authority + path` (case-insensitive). */
  q?: string;
  /** Substring of the authority. */
  authority?: string;
  /** Substring of the path. */
  path?: string;
  /**
   * RE2 regular expression (Envoy's own engine: linear time, no backreferences) searched anywhere in
   * the path; anchor it with `^…$` for a whole-path match. Case-sensitive, as paths are.
   */
  pathRegex?: string;
  /** Response flags (any of), e.g. `NR`, `UH`; `-` matches lines without a flag. */
  flags?: string[];
  /** Substring of the upstream cluster. */
  upstream?: string;
  /** Route node id (lib/topology), subset node id, Service node id. */
  routeId?: string;
  subsetId?: string;
  serviceId?: string;
  /** `namespace/name` of the VirtualService whose routes served the line. */
  virtualService?: string;
  /** Kinds to show (default: every kind). */
  kinds?: LogKind[];
}

const lc = (s: string | undefined) => (s ?? '').toLowerCase();

/** What is wrong with a filter (an invalid path regex), for the filter bar, the API's 400 and the CLI. */
export function filterError(f: LogFilter): string | undefined {
  if (f.pathRegex === undefined) return undefined;
  const re = re2(f.pathRegex);
  return re instanceof Error ? `invalid path regex '${f.pathRegex}': ${re.message}` : undefined;
}

export function isEmptyFilter(f: LogFilter): boolean {
  return Object.values(f).every((v) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0));
}

export function matchesFilter(r: LogRecord, f: LogFilter): boolean {
  if (f.kinds?.length && !f.kinds.includes(r.kind)) return false;
  if (f.pods?.length) {
    const name = r.pod.slice(r.pod.indexOf('/') + 1);
    if (!f.pods.includes(r.pod) && !f.pods.includes(name)) return false;
  }
  const e = r.entry;
  // Free text also searches the raw line, so an unparsed or proxy line with the text is found too.
  if (f.q && !(e && `${lc(e.authority)}${lc(e.path)}`.includes(lc(f.q))) && !lc(r.raw).includes(lc(f.q))) return false;
  const needsEntry = !!(f.status?.length || f.methods?.length || f.authority || f.path || f.pathRegex || f.flags?.length || f.upstream || f.routeId || f.subsetId || f.serviceId || f.virtualService);
  if (!needsEntry) return true;
  if (!e) return false;
  if (f.status?.length) {
    const cls = statusClass(r);
    const code = e.responseCode === undefined ? undefined : String(e.responseCode);
    if (!f.status.some((s) => s === cls || s === code)) return false;
  }
  if (f.methods?.length && !f.methods.includes(e.method ?? '')) return false;
  if (f.authority && !lc(e.authority).includes(lc(f.authority))) return false;
  if (f.path && !lc(e.path).includes(lc(f.path))) return false;
  if (f.pathRegex) {
    // An invalid regex matches nothing (callers report filterError first).
    const re = re2(f.pathRegex);
    if (re instanceof Error || !re.test(e.path ?? '')) return false;
  }
  if (f.flags?.length) {
    const have = splitFlags(e.responseFlags);
    if (!f.flags.some((x) => (x === '-' ? have.length === 0 : have.includes(x)))) return false;
  }
  if (f.upstream && !lc(e.upstreamCluster).includes(lc(f.upstream))) return false;
  if (f.routeId && r.routeId !== f.routeId) return false;
  if (f.subsetId && r.subsetId !== f.subsetId) return false;
  if (f.serviceId && r.serviceId !== f.serviceId) return false;
  if (f.virtualService && !r.routeId?.startsWith(`route:${f.virtualService}:`)) return false;
  return true;
}

const list = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 50) : typeof v === 'string' && v ? v.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 50) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v.slice(0, 500) : undefined);

/** A filter from untrusted input (subscription params, query strings): unknown keys ignored, sizes capped. */
export function filterFromParams(p: Record<string, unknown> | undefined): LogFilter {
  if (!p) return {};
  const f: LogFilter = {};
  const set = <K extends keyof LogFilter>(k: K, v: LogFilter[K] | undefined) => {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) f[k] = v;
  };
  set('pods', list(p['pods']));
  set('status', list(p['status']));
  set('methods', list(p['methods'])?.map((m) => m.toUpperCase()));
  set('q', text(p['q']));
  set('authority', text(p['authority']));
  set('path', text(p['path']));
  set('pathRegex', text(p['pathRegex']));
  set('flags', list(p['flags']));
  set('upstream', text(p['upstream']));
  set('routeId', text(p['routeId']));
  set('subsetId', text(p['subsetId']));
  set('serviceId', text(p['serviceId']));
  set('virtualService', text(p['virtualService']));
  set('kinds', list(p['kinds'])?.filter((k): k is LogKind => k === 'access' || k === 'proxy' || k === 'invalid'));
  return f;
}

/** The Logs page's query string keys that differ from the filter's (the overview's edge links use them). */
const QUERY_KEYS: Partial<Record<keyof LogFilter, string>> = { routeId: 'route', subsetId: 'subset', serviceId: 'service', pods: 'pod' };
const FROM_QUERY = Object.fromEntries(Object.entries(QUERY_KEYS).map(([k, q]) => [q, k]));

/** A filter from the Logs page's URL (`/logs?route=…&status=4xx,5xx&pathRegex=…`); untrusted, as filterFromParams. */
export function filterFromQuery(q: Iterable<[string, string]>): LogFilter {
  const p: Record<string, unknown> = {};
  for (const [k, v] of q) p[FROM_QUERY[k] ?? k] = v;
  return filterFromParams(p);
}

/** The query string of a filter (lists comma-joined; `kinds` left out: the page's proxy-lines switch owns it). */
export function filterToQuery(f: LogFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f) as Array<[keyof LogFilter, LogFilter[keyof LogFilter]]>) {
    if (k === 'kinds' || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    q.set(QUERY_KEYS[k] ?? k, Array.isArray(v) ? v.join(',') : v);
  }
  return q.toString();
}

/**
 * The CLI's `--filter` expression: space-separated `key=value` terms (values comma-separated for
 * any-of), e.g. `status=4xx,5xx method=GET authority=web flags=NR pod=istio-ingressgateway-abc`;
 * `path~=^/api/v[0-9]+/` is an RE2 regex on the path (not split on commas).
 * A bare word is a substring of authority + path. Throws on an unknown key.
 */
export function parseFilterExpression(expr: string): LogFilter {
  const p: Record<string, unknown> = {};
  const keys: Record<string, string> = { pod: 'pods', pods: 'pods', status: 'status', code: 'status', method: 'methods', methods: 'methods', authority: 'authority', host: 'authority', path: 'path', 'path~': 'pathRegex', pathre: 'pathRegex', flags: 'flags', flag: 'flags', upstream: 'upstream', cluster: 'upstream', kind: 'kinds', kinds: 'kinds' };
  const words: string[] = [];
  for (const term of expr.split(/\s+/).filter(Boolean)) {
    const eq = term.indexOf('=');
    if (eq < 0) {
      words.push(term);
      continue;
    }
    const k = keys[term.slice(0, eq)];
    if (!k) throw new Error(`unknown filter key "${term.slice(0, eq)}" (use ${Object.keys(keys).join(', ')})`);
    p[k] = term.slice(eq + 1);
  }
  if (words.length) p['q'] = words.join(' ');
  const f = filterFromParams(p);
  const err = filterError(f);
  if (err) throw new Error(err);
  return f;
}
