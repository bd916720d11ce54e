/**
 * Envoy access-log command operators (`%COMMAND%`, `%COMMAND(arg)%`, `%COMMAND(arg):len%`): what
 * field of a parsed entry each one fills, what its values look like, and how Envoy types it in
 * JSON logs.
 */

/**
 * The shape of an operator's value in a TEXT line, used to split lines without ambiguity:
 * - `int`: digits only (or `-`);
 * - `token`: no space and no `"` (addresses, cluster names, flags, methods, details — Envoy
 *   sanitizes response code details and SNI so they never hold spaces);
 * - `text`: anything but a newline (headers, paths, route names): Envoy does not escape values in
 *   TEXT logs, so a header value may contain spaces and quotes.
 */
export type ValueClass = 'int' | 'token' | 'text';

/**
 * How Envoy writes the value in a JSON (typed) log: `number` (or null when absent), `string`
 * (or null), `dash` (a string; `"-"` when absent, as Envoy does for RESPONSE_FLAGS and PROTOCOL).
 */
export type JsonType = 'number' | 'string' | 'dash';

export interface FormatOperator {
  /** The operator as written, without the `%` signs: `REQ(:AUTHORITY):10`. */
  text: string;
  command: string;
  arg?: string;
  /** `:len` truncation. */
  maxLength?: number;
  /** Property of the parsed entry (top level, or in `extra` when `top` is false). */
  field: string;
  /** True when `field` is a typed property of AccessLogEntry; false: it goes to `entry.extra`. */
  top: boolean;
  value: ValueClass;
  json: JsonType;
  /** Number in the parsed entry; written as text in JSON when `json` is 'string' (headers). */
  numeric: boolean;
}

interface Known {
  field: string;
  value: ValueClass;
  json?: JsonType;
  numeric?: boolean;
}

const k = (field: string, value: ValueClass, extra: Partial<Known> = {}): Known => ({ field, value, ...extra });
const int = (field: string): Known => ({ field, value: 'int', json: 'number', numeric: true });

/** Operators with a typed field in AccessLogEntry (the Istio default formats, all variants). */
const TOP: Record<string, Known> = {
  START_TIME: k('startTime', 'token'),
  'REQ(:METHOD)': k('method', 'token'),
  'REQ(X-ENVOY-ORIGINAL-PATH?:PATH)': k('path', 'text'),
  'REQ(:PATH)': k('path', 'text'),
  PROTOCOL: k('protocol', 'token', { json: 'dash' }),
  RESPONSE_CODE: int('responseCode'),
  RESPONSE_FLAGS: k('responseFlags', 'token', { json: 'dash' }),
  RESPONSE_CODE_DETAILS: k('responseCodeDetails', 'token'),
  CONNECTION_TERMINATION_DETAILS: k('connectionTerminationDetails', 'token'),
  UPSTREAM_TRANSPORT_FAILURE_REASON: k('upstreamTransportFailureReason', 'text'),
  BYTES_RECEIVED: int('bytesReceived'),
  BYTES_SENT: int('bytesSent'),
  DURATION: int('duration'),
  // A response header: a number in the entry, but Envoy writes header values as JSON strings.
  'RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)': k('upstreamServiceTime', 'int', { json: 'string', numeric: true }),
  'REQ(X-FORWARDED-FOR)': k('xForwardedFor', 'text'),
  'REQ(USER-AGENT)': k('userAgent', 'text'),
  'REQ(X-REQUEST-ID)': k('requestId', 'text'),
  'REQ(:AUTHORITY)': k('authority', 'token'),
  UPSTREAM_HOST: k('upstreamHost', 'token'),
  UPSTREAM_CLUSTER: k('upstreamCluster', 'token'),
  UPSTREAM_CLUSTER_RAW: k('upstreamCluster', 'token'),
  UPSTREAM_LOCAL_ADDRESS: k('upstreamLocalAddress', 'token'),
  DOWNSTREAM_LOCAL_ADDRESS: k('downstreamLocalAddress', 'token'),
  DOWNSTREAM_REMOTE_ADDRESS: k('downstreamRemoteAddress', 'token'),
  REQUESTED_SERVER_NAME: k('requestedServerName', 'token'),
  ROUTE_NAME: k('routeName', 'text'),
  // Istio 1.3–1.8 (Mixer era): the Mixer policy check status.
  'DYNAMIC_METADATA(ISTIO.MIXER:STATUS)': k('mixerStatus', 'text'),
};

/** Commands Envoy renders as numbers in typed JSON logs (they go to `extra` as numbers). */
const NUMERIC_COMMANDS = new Set([
  'REQUEST_DURATION',
  'REQUEST_TX_DURATION',
  'RESPONSE_DURATION',
  'RESPONSE_TX_DURATION',
  'DOWNSTREAM_HANDSHAKE_DURATION',
  'ROUNDTRIP_DURATION',
  'UPSTREAM_REQUEST_ATTEMPT_COUNT',
  'REQUEST_HEADERS_BYTES',
  'RESPONSE_HEADERS_BYTES',
  'RESPONSE_TRAILERS_BYTES',
  'UPSTREAM_WIRE_BYTES_SENT',
  'UPSTREAM_WIRE_BYTES_RECEIVED',
  'UPSTREAM_HEADER_BYTES_SENT',
  'UPSTREAM_HEADER_BYTES_RECEIVED',
  'DOWNSTREAM_WIRE_BYTES_SENT',
  'DOWNSTREAM_WIRE_BYTES_RECEIVED',
  'DOWNSTREAM_HEADER_BYTES_SENT',
  'DOWNSTREAM_HEADER_BYTES_RECEIVED',
  'CONNECTION_ID',
  'UPSTREAM_CONNECTION_ID',
  'STREAM_ID',
  'GRPC_STATUS_NUMBER',
  'DOWNSTREAM_LOCAL_PORT',
  'DOWNSTREAM_REMOTE_PORT',
  'DOWNSTREAM_DIRECT_REMOTE_PORT',
  'UPSTREAM_LOCAL_PORT',
  'UPSTREAM_REMOTE_PORT',
]);

/** Commands whose values never hold spaces or quotes. */
const TOKEN_COMMANDS = new Set([
  'UPSTREAM_PROTOCOL',
  'RESPONSE_FLAGS_LONG',
  'UPSTREAM_HOST_NAME',
  'UPSTREAM_HOST_NAME_WITHOUT_PORT',
  'UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT',
  'UPSTREAM_REMOTE_ADDRESS',
  'UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT',
  'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT',
  'DOWNSTREAM_DIRECT_LOCAL_ADDRESS',
  'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT',
  'DOWNSTREAM_DIRECT_REMOTE_ADDRESS',
  'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT',
  'DOWNSTREAM_PEER_ADDRESS',
  'UNIQUE_ID',
  'HOSTNAME',
  'VIRTUAL_CLUSTER_NAME',
  'ACCESS_LOG_TYPE',
]);

const HEADER_COMMANDS = new Set(['REQ', 'RESP', 'TRAILER', 'REQ_WITHOUT_QUERY']);
const TOKEN_HEADERS = new Set([':METHOD', ':AUTHORITY', ':SCHEME', 'HOST']);

function words(s: string): string[] {
  return s.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

function camel(parts: string[]): string {
  return parts
    .map((w, i) => {
      const l = w.toLowerCase();
      return i === 0 ? l : l.charAt(0).toUpperCase() + l.slice(1);
    })
    .join('');
}

/** camelCase of a JSON key or any `snake_case`/`kebab-case` name: `x_forwarded_for` → `xForwardedFor`. */
export function camelCase(s: string): string {
  const c = camel(words(s));
  return c === '' ? s : c;
}

/**
 * The entry property name of an operator: `START_TIME` → `startTime`, `REQ(:AUTHORITY)` →
 * `authority`, `REQ(X-FORWARDED-FOR)` → `xForwardedFor`, `UPSTREAM_CLUSTER_RAW` →
 * `upstreamCluster`, `RESP(CONTENT-TYPE)` → `respContentType`, `TRAILER(GRPC-STATUS)` →
 * `trailerGrpcStatus`, `DYNAMIC_METADATA(my.filter:key)` → `dynamicMetadataMyFilterKey`.
 */
export function operatorFieldName(command: string, arg?: string): string {
  return describeOperator(command, arg).field;
}

function describeOperator(command: string, arg: string | undefined): Known & { top: boolean } {
  const key = arg === undefined ? command : `${command}(${arg.toUpperCase()})`;
  const top = TOP[key] ?? (command === 'START_TIME' ? { ...TOP.START_TIME!, value: 'text' as const } : undefined);
  if (top) return { ...top, top: true };
  if (HEADER_COMMANDS.has(command) && arg !== undefined) {
    const first = (arg.split('?')[0] ?? arg).toUpperCase();
    const base = words(first);
    const field =
      command === 'RESP' ? camel(['resp', ...base]) : command === 'TRAILER' ? camel(['trailer', ...base]) : camel(base) || 'header';
    return { field, value: TOKEN_HEADERS.has(first) ? 'token' : 'text', top: false };
  }
  const field = camel([...words(command), ...(arg === undefined ? [] : words(arg))]);
  if (NUMERIC_COMMANDS.has(command)) return { field, value: 'int', json: 'number', numeric: true, top: false };
  if (TOKEN_COMMANDS.has(command)) return { field, value: 'token', top: false };
  return { field, value: 'text', top: false };
}

/** Build the operator record for `%COMMAND(arg):len%` (without the `%`). */
export function makeOperator(text: string, command: string, arg: string | undefined, maxLength: number | undefined): FormatOperator {
  const d = describeOperator(command, arg);
  const op: FormatOperator = {
    text,
    command,
    field: d.field,
    top: d.top,
    value: d.value,
    json: d.json ?? 'string',
    numeric: d.numeric ?? false,
  };
  if (arg !== undefined) op.arg = arg;
  if (maxLength !== undefined) op.maxLength = maxLength;
  return op;
}
