/**
 * One line of a gateway pod's log as the console keeps and streams it: the pods/log timestamp,
 * the pod, the parsed access-log entry (or why the line is not one), and the part of the request
 * path that served it. Shared by the server (server/logs), the browser (components/logs) and the CLI.
 */
import type { AccessLogEntry } from '../accesslog/format';

export type LogKind =
  /** A parsed access-log line. */
  | 'access'
  /** The proxy's own log (Envoy / pilot-agent: `<time>\t<level>\t…`), not an access-log line. */
  | 'proxy'
  /** Neither: a line the parser could not read (shown with the reason, never dropped). */
  | 'invalid';

export interface LogRecord {
  /** Grows by one per line the console received, across every pod. */
  seq: number;
  /** `namespace/name` of the gateway pod. */
  pod: string;
  container?: string | undefined;
  /** The pods/log `timestamps=true` prefix (RFC3339Nano). */
  ts?: string | undefined;
  kind: LogKind;
  /** The line without its timestamp. */
  raw: string;
  /** For `access`: every parsed field (without `raw`, which is above). */
  entry?: Omit<AccessLogEntry, 'raw'> | undefined;
  /** For `invalid`: where and why parsing failed. */
  error?: string | undefined;
  /** lib/topology ids of the route, Service and subset that served it, when known. */
  routeId?: string | undefined;
  serviceId?: string | undefined;
  subsetId?: string | undefined;
}

/** `<RFC3339>\t<level>\t` or `<RFC3339> <level> `: an Istio/Envoy component log line. */
const PROXY_LOG = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z[\t ](?:debug|info|warn|warning|error|critical|trace)[\t ]/;
const ENVOY_LOG = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\]\[\d+\]\[(?:debug|info|warning|error|critical|trace)\]/;

export function isProxyLogLine(text: string): boolean {
  const c = text.charCodeAt(0);
  // Access-log lines start with `[<date>T` (TEXT) or `{` (JSON): skip the regexes for them.
  if (c === 123 /* { */) return false;
  if (c === 91 /* [ */) return text.charCodeAt(11) === 32 /* space */ && ENVOY_LOG.test(text);
  return c >= 48 && c <= 57 && PROXY_LOG.test(text);
}

/** Status class of a record: `2xx`…`5xx`, `0` for no response, undefined when not an access line. */
export function statusClass(r: Pick<LogRecord, 'entry'>): string | undefined {
  const c = r.entry?.responseCode;
  if (c === undefined) return undefined;
  if (c === 0) return '0';
  return `${Math.floor(c / 100)}xx`;
}
