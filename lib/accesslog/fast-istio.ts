/**
 * Hand-rolled scanner for Istio's default TEXT layout (current and 1.9–1.22):
 *
 *   [START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS DETAILS TERMINATION "TRANSPORT_FAILURE"
 *   RX TX DURATION UPSTREAM_TIME "XFF" "UA" "REQUEST_ID" "AUTHORITY" "UPSTREAM_HOST"
 *   CLUSTER UPSTREAM_LOCAL DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI ROUTE_NAME
 *
 * It walks the line with indexOf and takes the first occurrence of every
 * separator, checking the same value classes as the generic matcher (text-match.ts). It only
 * answers "yes, and here is the entry" or "not sure": on any doubt (a header holding a separator,
 * a bad number, a truncated line) it returns undefined and the caller runs the generic matcher,
 * which backtracks and produces the failure reason. When it succeeds, its result is exactly the
 * generic matcher's first solution.
 */
import type { AccessLogEntry, FormatName } from './format';

const SP = 32;
const QUOTE = 34;
const DASH = 45;

/** `-` → undefined, else the slice. */
function str(line: string, a: number, b: number): string | undefined {
  return b - a === 1 && line.charCodeAt(a) === DASH ? undefined : line.slice(a, b);
}

/** Digits in [a, b) → number; `-` → undefined; anything else → -1 (the caller bails out). */
function int(line: string, a: number, b: number): number | undefined {
  const len = b - a;
  if (len === 1 && line.charCodeAt(a) === DASH) return undefined;
  if (len <= 0 || len > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Scan `line[s, end)`. Returns the entry, or undefined when the generic matcher must decide.
 *
 * Character loops in JavaScript cost a few ns per character on sliced strings, while indexOf runs
 * natively; so separators are found with indexOf, and "no space / no quote in this token" is
 * checked by asking where the next space or quote is rather than by looking at every character.
 */
export function scanIstioDefault(
  line: string,
  s: number,
  end: number,
  raw: string,
  format: FormatName,
  logTimestamp: string | undefined,
): AccessLogEntry | undefined {
  if (line.charCodeAt(s) !== 91 /* [ */) return undefined;
  // [START_TIME] "
  let e = line.indexOf('] "', s + 1);
  if (e < 0 || e + 3 > end || line.indexOf(' ', s + 1) !== e + 1 || line.indexOf('"', s + 1) !== e + 2) return undefined;
  const startTime = str(line, s + 1, e);
  let p = e + 3;
  // METHOD PATH PROTOCOL" — method and protocol are tokens, the path is text.
  const sp1 = line.indexOf(' ', p);
  if (sp1 < 0 || sp1 >= end) return undefined;
  const qm = line.indexOf('"', p);
  if (qm < sp1) return undefined; // a quote in the method (or none left at all)
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 >= end) return undefined;
  e = line.indexOf('" ', sp2 + 1);
  if (e < 0 || e + 2 > end || line.indexOf(' ', sp2 + 1) !== e + 1 || line.indexOf('"', sp2 + 1) !== e) return undefined;
  const method = str(line, p, sp1);
  const path = str(line, sp1 + 1, sp2);
  const protocol = str(line, sp2 + 1, e);
  p = e + 2;
  // CODE FLAGS DETAILS TERMINATION "  — no quote may appear before the one opening the next field.
  const e1 = line.indexOf(' ', p);
  if (e1 < 0) return undefined;
  const e2 = line.indexOf(' ', e1 + 1);
  if (e2 < 0) return undefined;
  const e3 = line.indexOf(' ', e2 + 1);
  if (e3 < 0) return undefined;
  const e4 = line.indexOf(' ', e3 + 1);
  if (e4 < 0 || e4 + 2 > end || line.charCodeAt(e4 + 1) !== QUOTE || line.indexOf('"', p) !== e4 + 1) return undefined;
  const responseCode = int(line, p, e1);
  if (responseCode === -1) return undefined;
  const responseFlags = str(line, e1 + 1, e2);
  const responseCodeDetails = str(line, e2 + 1, e3);
  const connectionTerminationDetails = str(line, e3 + 1, e4);
  p = e4 + 2;
  // "UPSTREAM_TRANSPORT_FAILURE_REASON" (text)
  e = line.indexOf('" ', p);
  if (e < 0 || e + 2 > end) return undefined;
  const upstreamTransportFailureReason = str(line, p, e);
  p = e + 2;
  // RX TX DURATION UPSTREAM_SERVICE_TIME "
  const n1 = line.indexOf(' ', p);
  if (n1 < 0) return undefined;
  const n2 = line.indexOf(' ', n1 + 1);
  if (n2 < 0) return undefined;
  const n3 = line.indexOf(' ', n2 + 1);
  if (n3 < 0) return undefined;
  const n4 = line.indexOf(' ', n3 + 1);
  if (n4 < 0 || n4 + 2 > end || line.charCodeAt(n4 + 1) !== QUOTE) return undefined;
  const bytesReceived = int(line, p, n1);
  const bytesSent = int(line, n1 + 1, n2);
  const duration = int(line, n2 + 1, n3);
  const upstreamServiceTime = int(line, n3 + 1, n4);
  if (bytesReceived === -1 || bytesSent === -1 || duration === -1 || upstreamServiceTime === -1) return undefined;
  p = n4 + 2;
  // "X-FORWARDED-FOR" "USER-AGENT" "X-REQUEST-ID" (text)
  e = line.indexOf('" "', p);
  if (e < 0 || e + 3 > end) return undefined;
  const xForwardedFor = str(line, p, e);
  p = e + 3;
  e = line.indexOf('" "', p);
  if (e < 0 || e + 3 > end) return undefined;
  const userAgent = str(line, p, e);
  p = e + 3;
  e = line.indexOf('" "', p);
  if (e < 0 || e + 3 > end) return undefined;
  const requestId = str(line, p, e);
  p = e + 3;
  // "AUTHORITY" "UPSTREAM_HOST" (tokens: the first quote ends them, no space inside)
  e = line.indexOf('"', p);
  if (e < 0 || e + 3 > end || line.charCodeAt(e + 1) !== SP || line.charCodeAt(e + 2) !== QUOTE || line.indexOf(' ', p) !== e + 1) return undefined;
  const authority = str(line, p, e);
  p = e + 3;
  e = line.indexOf('"', p);
  if (e < 0 || e + 2 > end || line.charCodeAt(e + 1) !== SP || line.indexOf(' ', p) !== e + 1) return undefined;
  const upstreamHost = str(line, p, e);
  p = e + 2;
  // CLUSTER UPSTREAM_LOCAL DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI ROUTE_NAME — tokens without
  // quotes, then the route name (text) to the end of the line.
  const t1 = line.indexOf(' ', p);
  if (t1 < 0) return undefined;
  const t2 = line.indexOf(' ', t1 + 1);
  if (t2 < 0) return undefined;
  const t3 = line.indexOf(' ', t2 + 1);
  if (t3 < 0) return undefined;
  const t4 = line.indexOf(' ', t3 + 1);
  if (t4 < 0) return undefined;
  const t5 = line.indexOf(' ', t4 + 1);
  if (t5 < 0 || t5 >= end) return undefined;
  const qt = line.indexOf('"', p);
  if (qt >= 0 && qt < t5) return undefined;
  const upstreamCluster = str(line, p, t1);
  const upstreamLocalAddress = str(line, t1 + 1, t2);
  const downstreamLocalAddress = str(line, t2 + 1, t3);
  const downstreamRemoteAddress = str(line, t3 + 1, t4);
  const requestedServerName = str(line, t4 + 1, t5);
  const routeName = str(line, t5 + 1, end);
  return {
    raw,
    format,
    logTimestamp,
    startTime,
    method,
    path,
    protocol,
    responseCode,
    responseFlags,
    responseCodeDetails,
    connectionTerminationDetails,
    upstreamTransportFailureReason,
    bytesReceived,
    bytesSent,
    duration,
    upstreamServiceTime,
    xForwardedFor,
    userAgent,
    requestId,
    authority,
    upstreamHost,
    upstreamCluster,
    upstreamLocalAddress,
    downstreamLocalAddress,
    downstreamRemoteAddress,
    requestedServerName,
    routeName,
    mixerStatus: undefined,
    extra: undefined,
    warnings: undefined,
  };
}
