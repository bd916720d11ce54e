/**
 * Istio / Envoy access-log formats and the format compiler.
 *
 * The format strings are copied exactly from istio/istio `pilot/pkg/model/telemetry_logging.go`
 * (EnvoyTextLogFormat, LegacyEnvoyTextLogFormat, EnvoyJSONLogFormatIstio) and the Envoy docs, as
 * recorded in `fixtures/formats.json`. A compiled format drives both the parser (parse.ts) and the
 * renderer (render.ts), so what the sandbox writes is what the console reads.
 */
import { makeOperator, type FormatOperator } from './operators';

export type { FormatOperator, JsonType, ValueClass } from './operators';
export { camelCase, operatorFieldName } from './operators';

/** Istio ≥ 1.23 default TEXT format (`EnvoyTextLogFormat`, with `%UPSTREAM_CLUSTER_RAW%`). */
export const ISTIO_TEXT_FORMAT_CURRENT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio 1.9–1.22 default TEXT format (`%UPSTREAM_CLUSTER%`; LegacyEnvoyTextLogFormat in 1.23–1.24). */
export const ISTIO_TEXT_FORMAT_1_9_TO_1_22 =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio ~1.3–1.8 (Mixer era) default TEXT format: Mixer status instead of the two details fields. */
export const ISTIO_TEXT_FORMAT_1_3_TO_1_8 =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% "%DYNAMIC_METADATA(istio.mixer:status)%" "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Plain Envoy's default format (not Istio). */
export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** Istio's default JSON format (`EnvoyJSONLogFormatIstio`, 24 keys, in Istio's order). */
export const ISTIO_JSON_FORMAT: Readonly<Record<string, string>> = Object.freeze({
  start_time: '%START_TIME%',
  route_name: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
});

/** Names of the built-in formats (`format` of a parsed entry). */
export type KnownFormatName = 'istio-current' | 'istio-1.9-to-1.22' | 'istio-1.3-to-1.8' | 'envoy-default' | 'istio-json';
export type FormatName = KnownFormatName | 'custom' | 'custom-json';

/**
 * One parsed access-log line. Every field of Istio's default format, camelCase of its operator;
 * `undefined` where Envoy printed `-` (no value). Numbers are numbers.
 */
export interface AccessLogEntry {
  /** The access-log line itself (without the kubectl timestamp prefix and trailing newline). */
  raw: string;
  /** Which format matched. `istio-current` also covers 1.9–1.22 lines (same layout). */
  format?: FormatName;
  /** The `pods/log?timestamps=true` prefix (RFC3339 / RFC3339Nano), when the line had one. */
  logTimestamp?: string;
  /** `%START_TIME%`, as printed (e.g. `2020-11-25T21:26:18.409Z`). */
  startTime?: string;
  method?: string;
  path?: string;
  protocol?: string;
  /** 0 when no response was sent (TCP, or the client went away). */
  responseCode?: number;
  /** As printed, e.g. `UH` or `UF,URX`; see response-flags.ts. */
  responseFlags?: string;
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived?: number;
  bytesSent?: number;
  /** Milliseconds. */
  duration?: number;
  /** `x-envoy-upstream-service-time` response header, milliseconds. */
  upstreamServiceTime?: number;
  xForwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string;
  /** `%UPSTREAM_CLUSTER_RAW%` (or `%UPSTREAM_CLUSTER%` in older formats); see parseUpstreamCluster. */
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string;
  routeName?: string;
  /** Istio 1.3–1.8 only: `%DYNAMIC_METADATA(istio.mixer:status)%`. */
  mixerStatus?: string;
  /** Operators (or JSON keys) outside the fields above, by camelCase name. */
  extra?: Record<string, string | number>;
  /** Repairs made while parsing (e.g. an interleaved log timestamp removed). */
  warnings?: string[];
}

/** The typed fields of AccessLogEntry that come from format operators, in Istio's TEXT order. */
export const ENTRY_FIELDS = [
  'startTime',
  'method',
  'path',
  'protocol',
  'responseCode',
  'responseFlags',
  'responseCodeDetails',
  'connectionTerminationDetails',
  'upstreamTransportFailureReason',
  'bytesReceived',
  'bytesSent',
  'duration',
  'upstreamServiceTime',
  'xForwardedFor',
  'userAgent',
  'requestId',
  'authority',
  'upstreamHost',
  'upstreamCluster',
  'upstreamLocalAddress',
  'downstreamLocalAddress',
  'downstreamRemoteAddress',
  'requestedServerName',
  'routeName',
  'mixerStatus',
] as const satisfies readonly (keyof AccessLogEntry)[];

export type EntryField = (typeof ENTRY_FIELDS)[number];

export interface CompiledTextFormat {
  kind: 'text';
  name: FormatName;
  /** The format string as given. */
  source: string;
  /** `literals[i]` precedes `ops[i]`; `literals[ops.length]` ends the line (trailing newline removed). */
  literals: readonly string[];
  ops: readonly FormatOperator[];
  /** Set when the layout is Istio's default one (current or 1.9–1.22): enables the fast scanner. */
  layout?: 'istio';
}

export type JsonFormatValue =
  | { key: string; kind: 'op'; op: FormatOperator }
  | { key: string; kind: 'text'; format: CompiledTextFormat }
  | { key: string; kind: 'object'; fields: readonly JsonFormatValue[] }
  | { key: string; kind: 'const'; value: unknown };

export interface CompiledJsonFormat {
  kind: 'json';
  name: FormatName;
  source: Readonly<Record<string, unknown>>;
  fields: readonly JsonFormatValue[];
}

export type CompiledFormat = CompiledTextFormat | CompiledJsonFormat;

export class AccessLogFormatError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'AccessLogFormatError';
  }
}

const OPERATOR = /%([A-Z][A-Z0-9_]*)(?:\(([^)]*)\))?(?::(\d+))?%/y;

function tokenize(format: string): { literals: string[]; ops: FormatOperator[] } {
  const literals: string[] = [];
  const ops: FormatOperator[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format.charCodeAt(i);
    if (c !== 37 /* % */) {
      const next = format.indexOf('%', i);
      const end = next < 0 ? format.length : next;
      lit += format.slice(i, end);
      i = end;
      continue;
    }
    OPERATOR.lastIndex = i;
    const m = OPERATOR.exec(format);
    if (!m) {
      throw new AccessLogFormatError(
        `invalid access-log format: no valid command operator at column ${i + 1} (${JSON.stringify(format.slice(i, i + 24))})`,
        i + 1,
      );
    }
    literals.push(lit);
    lit = '';
    const maxLength = m[3] === undefined ? undefined : Number(m[3]);
    ops.push(makeOperator(m[0].slice(1, -1), m[1]!, m[2], maxLength));
    i = OPERATOR.lastIndex;
  }
  literals.push(lit);
  return { literals, ops };
}

const BUILTIN_TEXT: ReadonlyArray<readonly [string, KnownFormatName]> = [
  [ISTIO_TEXT_FORMAT_CURRENT, 'istio-current'],
  [ISTIO_TEXT_FORMAT_1_9_TO_1_22, 'istio-1.9-to-1.22'],
  [ISTIO_TEXT_FORMAT_1_3_TO_1_8, 'istio-1.3-to-1.8'],
  [ENVOY_DEFAULT_FORMAT, 'envoy-default'],
];

function textParts(format: string): { literals: string[]; ops: FormatOperator[] } {
  const t = tokenize(format.endsWith('\n') ? format : format + '\n');
  t.literals[t.literals.length - 1] = t.literals[t.literals.length - 1]!.replace(/\n$/, '');
  return t;
}

const signature = (t: { literals: readonly string[]; ops: readonly FormatOperator[] }) =>
  JSON.stringify([t.literals, t.ops.map((o) => [o.field, o.value, o.maxLength ?? null])]);

/** Layout of Istio's default TEXT format (current and 1.9–1.22 share it). */
const ISTIO_SIGNATURE = signature(textParts(ISTIO_TEXT_FORMAT_CURRENT));

/**
 * Compile a TEXT `accessLogFormat` (command operators and literal text) or a JSON format
 * (an object of key → operator string, as in `meshConfig.accessLogFormat` with
 * `accessLogEncoding: JSON`). Like Istio, a TEXT format gets its trailing newline if it has none;
 * the compiled literals leave it out (parsing works on lines). Throws AccessLogFormatError when
 * the string has a `%` that starts no valid operator (Envoy rejects such a config too).
 */
export function compileFormat(format: string, name?: FormatName): CompiledTextFormat;
export function compileFormat(format: Readonly<Record<string, unknown>>, name?: FormatName): CompiledJsonFormat;
export function compileFormat(format: string | Readonly<Record<string, unknown>>, name?: FormatName): CompiledFormat;
export function compileFormat(format: string | Readonly<Record<string, unknown>>, name?: FormatName): CompiledFormat {
  if (typeof format !== 'string') return compileJson(format, name);
  const { literals, ops } = textParts(format);
  const builtin = BUILTIN_TEXT.find(([f]) => f === format || f === format + '\n');
  const compiled: CompiledTextFormat = { kind: 'text', name: name ?? builtin?.[1] ?? 'custom', source: format, literals, ops };
  if (signature({ literals, ops }) === ISTIO_SIGNATURE) compiled.layout = 'istio';
  return compiled;
}

function compileJsonFields(obj: Readonly<Record<string, unknown>>): JsonFormatValue[] {
  const out: JsonFormatValue[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v === 'string') {
      const t = compileFormat(v.replace(/\n$/, ''));
      const pure = t.ops.length === 1 && t.literals[0] === '' && t.literals[1] === '';
      if (pure) out.push({ key, kind: 'op', op: t.ops[0]! });
      else if (t.ops.length === 0) out.push({ key, kind: 'const', value: v });
      else out.push({ key, kind: 'text', format: t });
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.push({ key, kind: 'object', fields: compileJsonFields(v as Record<string, unknown>) });
    } else {
      out.push({ key, kind: 'const', value: v });
    }
  }
  return out;
}

function compileJson(obj: Readonly<Record<string, unknown>>, name?: FormatName): CompiledJsonFormat {
  const isIstio =
    Object.keys(obj).length === Object.keys(ISTIO_JSON_FORMAT).length &&
    Object.entries(ISTIO_JSON_FORMAT).every(([k, v]) => obj[k] === v);
  return { kind: 'json', name: name ?? (isIstio ? 'istio-json' : 'custom-json'), source: obj, fields: compileJsonFields(obj) };
}

/** The built-in formats, compiled once. */
export const FORMATS = {
  istioCurrent: compileFormat(ISTIO_TEXT_FORMAT_CURRENT),
  istio1_9to1_22: compileFormat(ISTIO_TEXT_FORMAT_1_9_TO_1_22),
  istio1_3to1_8: compileFormat(ISTIO_TEXT_FORMAT_1_3_TO_1_8),
  envoyDefault: compileFormat(ENVOY_DEFAULT_FORMAT),
  istioJson: compileFormat(ISTIO_JSON_FORMAT),
} as const;

/**
 * What the parser tries, in order, when no format is given: Istio's current default, the 1.9–1.22
 * variant (same layout, so a line of either era matches the first), then the Mixer-era variant.
 * Envoy's plain default is deliberately not tried: such a line is not an Istio line.
 */
export const AUTO_DETECT_FORMATS: readonly CompiledTextFormat[] = [FORMATS.istioCurrent, FORMATS.istio1_9to1_22, FORMATS.istio1_3to1_8];

/**
 * Compile the format a proxy uses from mesh config settings (`accessLogEncoding`,
 * `accessLogFormat`), as istiod does: empty format → the default for the encoding; a JSON format
 * that does not parse → the default JSON format (istiod logs an error and does the same).
 */
export function formatFromMeshConfig(encoding: 'TEXT' | 'JSON' | undefined, accessLogFormat: string | undefined): CompiledFormat {
  if (encoding === 'JSON') {
    if (!accessLogFormat) return FORMATS.istioJson;
    try {
      const parsed = JSON.parse(accessLogFormat) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return compileFormat(parsed as Record<string, unknown>);
    } catch {
      // fall through to the default, as istiod does
    }
    return FORMATS.istioJson;
  }
  return accessLogFormat ? compileFormat(accessLogFormat) : FORMATS.istioCurrent;
}
