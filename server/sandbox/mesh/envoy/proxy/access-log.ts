/**
 * Access logging as Envoy's file access logger does it, driven by the `access_log` entries of the
 * applied listener config (which istiod builds from the mesh config): TEXT (SubstitutionFormatString
 * text_format_source) or JSON (json_format, typed values, null for missing data).
 *
 * The record holds what Envoy's StreamInfo knows about one request or connection; the formatter
 * implements the command operators Istio's formats use plus the common others.
 */
import type { AccessLogConfig } from '../types';

export interface AccessLogRecord {
  startTime: Date;
  /** Request headers as forwarded (lower-case names), plus :method, :path, :authority, :scheme. */
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** `HTTP/1.1`, `HTTP/2`; undefined for TCP. */
  protocol?: string;
  /** 0 for TCP or when no response was sent. */
  responseCode: number;
  responseFlags: string[];
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  requestDurationMs?: number;
  responseDurationMs?: number;
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  downstreamLocalAddress: string;
  downstreamRemoteAddress: string;
  requestedServerName?: string;
  routeName?: string;
  upstreamRequestAttemptCount?: number;
  hostname?: string;
}

/** Envoy's response flag order (ResponseFlagUtils), used to join several flags. */
const FLAG_ORDER = ['LH', 'UH', 'UT', 'LR', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'UAEX', 'RLSE', 'DC', 'URX', 'SI', 'IH', 'DPE', 'UMSDR', 'RFCF', 'NFCF', 'DT', 'UPE', 'NC', 'OM', 'DF', 'DO', 'DR'];

export function formatFlags(flags: string[]): string {
  if (flags.length === 0) return '-';
  return [...new Set(flags)].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)).join(',');
}

type Value = string | number | null;

function headerLookup(h: Record<string, string>, spec: string): string | undefined {
  for (const alt of spec.split('?')) {
    const v = h[alt.toLowerCase()];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Value of one command operator (without the %), or undefined for an unknown operator. */
function operator(op: string, r: AccessLogRecord): Value | undefined {
  const m = /^(REQ|RESP|TRAILER|REQ_WITHOUT_QUERY)\(([^)]*)\)(?::(\d+))?$/.exec(op);
  if (m) {
    let v: string | undefined;
    if (m[1] === 'REQ') v = headerLookup(r.requestHeaders, m[2]!);
    else if (m[1] === 'RESP') v = headerLookup(r.responseHeaders, m[2]!);
    else if (m[1] === 'REQ_WITHOUT_QUERY') {
      v = headerLookup(r.requestHeaders, m[2]!);
      if (v !== undefined) v = v.split('?')[0];
    }
    if (v === undefined) return null;
    return m[3] ? v.slice(0, Number(m[3])) : v;
  }
  const base = op.replace(/\(.*\)$/, '');
  switch (base) {
    case 'START_TIME':
      return r.startTime.toISOString();
    case 'PROTOCOL':
      return r.protocol ?? null;
    case 'RESPONSE_CODE':
      return r.responseCode;
    case 'RESPONSE_FLAGS':
      return formatFlags(r.responseFlags);
    case 'RESPONSE_CODE_DETAILS':
      return r.responseCodeDetails ?? null;
    case 'CONNECTION_TERMINATION_DETAILS':
      return r.connectionTerminationDetails ?? null;
    case 'UPSTREAM_TRANSPORT_FAILURE_REASON':
      return r.upstreamTransportFailureReason ?? null;
    case 'BYTES_RECEIVED':
      return r.bytesReceived;
    case 'BYTES_SENT':
      return r.bytesSent;
    case 'DURATION':
      return Math.round(r.durationMs);
    case 'REQUEST_DURATION':
      return r.requestDurationMs === undefined ? null : Math.round(r.requestDurationMs);
    case 'RESPONSE_DURATION':
      return r.responseDurationMs === undefined ? null : Math.round(r.responseDurationMs);
    case 'UPSTREAM_HOST':
    case 'UPSTREAM_REMOTE_ADDRESS':
      return r.upstreamHost ?? null;
    case 'UPSTREAM_CLUSTER':
    case 'UPSTREAM_CLUSTER_RAW':
      return r.upstreamCluster ?? null;
    case 'UPSTREAM_LOCAL_ADDRESS':
      return r.upstreamLocalAddress ?? null;
    case 'DOWNSTREAM_LOCAL_ADDRESS':
      return r.downstreamLocalAddress;
    case 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT':
      return r.downstreamLocalAddress.replace(/:\d+$/, '');
    case 'DOWNSTREAM_REMOTE_ADDRESS':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS':
    case 'DOWNSTREAM_PEER_ADDRESS':
      return r.downstreamRemoteAddress;
    case 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT':
      return r.downstreamRemoteAddress.replace(/:\d+$/, '');
    case 'REQUESTED_SERVER_NAME':
      return r.requestedServerName || null;
    case 'ROUTE_NAME':
      return r.routeName || null;
    case 'UPSTREAM_REQUEST_ATTEMPT_COUNT':
      return r.upstreamRequestAttemptCount ?? 0;
    case 'HOSTNAME':
      return r.hostname ?? null;
    default:
      return undefined;
  }
}

type Piece = string | { op: string };

function parseFormat(fmt: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      lit += c;
      continue;
    }
    if (fmt[i + 1] === '%') {
      lit += '%';
      i++;
      continue;
    }
    const end = fmt.indexOf('%', i + 1);
    if (end < 0) {
      lit += fmt.slice(i);
      break;
    }
    if (lit) out.push(lit);
    lit = '';
    out.push({ op: fmt.slice(i + 1, end) });
    i = end;
  }
  if (lit) out.push(lit);
  return out;
}

const textValue = (v: Value | undefined, op: string) => (v === undefined ? `%${op}%` : v === null || v === '' ? '-' : String(v));

export interface AccessLogFormatter {
  /** The line without its trailing newline. */
  format(r: AccessLogRecord): string;
}

export function textFormatter(fmt: string): AccessLogFormatter {
  const pieces = parseFormat(fmt);
  return {
    format(r) {
      let s = '';
      for (const p of pieces) s += typeof p === 'string' ? p : textValue(operator(p.op, r), p.op);
      return s.endsWith('\n') ? s.slice(0, -1) : s;
    },
  };
}

export function jsonFormatter(fmt: Record<string, unknown>): AccessLogFormatter {
  const entries = Object.entries(fmt).map(([k, v]) => [k, typeof v === 'string' ? parseFormat(v) : v] as const);
  const render = (pieces: Piece[], r: AccessLogRecord): Value => {
    if (pieces.length === 1 && typeof pieces[0] !== 'string') {
      const v = operator(pieces[0]!.op, r);
      return v === undefined ? `%${pieces[0]!.op}%` : v === '' ? null : v;
    }
    return pieces.map((p) => (typeof p === 'string' ? p : textValue(operator(p.op, r), p.op))).join('');
  };
  return {
    format(r) {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of entries) obj[k] = Array.isArray(v) ? render(v as Piece[], r) : v;
      return JSON.stringify(obj);
    },
  };
}

/** One access logger per `access_log` entry of a listener/HCM/tcp_proxy (only file loggers are supported). */
export interface CompiledAccessLog {
  path: string;
  formatter: AccessLogFormatter;
  /** listener-level filter `response_flag_filter` (Istio: NR only). */
  flagFilter?: string[];
}

const compiledCache = new WeakMap<AccessLogConfig[], CompiledAccessLog[]>();

export function compileAccessLogs(configs: AccessLogConfig[] | undefined): CompiledAccessLog[] {
  if (!configs || configs.length === 0) return [];
  const hit = compiledCache.get(configs);
  if (hit) return hit;
  const out: CompiledAccessLog[] = [];
  for (const c of configs) {
    const tc = c.typed_config;
    if (!tc?.path) continue;
    const lf = tc.log_format;
    let formatter: AccessLogFormatter;
    if (lf?.json_format) formatter = jsonFormatter(lf.json_format);
    else formatter = textFormatter(lf?.text_format_source?.inline_string ?? DEFAULT_ENVOY_FORMAT);
    const filter = (c as { filter?: { response_flag_filter?: { flags?: string[] } } }).filter?.response_flag_filter;
    out.push({ path: tc.path, formatter, flagFilter: filter ? (filter.flags ?? []) : undefined });
  }
  compiledCache.set(configs, out);
  return out;
}

/** Envoy's own default format (used when a file logger has no format). */
const DEFAULT_ENVOY_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

export function emitAccessLogs(logs: CompiledAccessLog[], r: AccessLogRecord, write: (line: string) => void): void {
  for (const l of logs) {
    if (l.flagFilter && !r.responseFlags.some((f) => l.flagFilter!.includes(f))) continue;
    // /dev/stdout and /dev/stderr go to the container log; other paths would be files in the pod.
    if (l.path !== '/dev/stdout' && l.path !== '/dev/stderr') continue;
    write(l.formatter.format(r));
  }
}
