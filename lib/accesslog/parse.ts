/**
 * Parse Envoy/Istio access-log lines (TEXT in any compiled format, or JSON), as read from a
 * proxy's container log, with or without the `pods/log?timestamps=true` prefix.
 *
 * `parseAccessLine` never throws and never drops a line: a line that does not parse comes back as
 * `{ ok: false, reason, raw }` with a sentence saying where and why.
 */
import { scanIstioDefault } from './fast-istio';
import {
  AUTO_DETECT_FORMATS,
  FORMATS,
  camelCase,
  type AccessLogEntry,
  type CompiledFormat,
  type CompiledJsonFormat,
  type CompiledTextFormat,
  type FormatName,
  type JsonFormatValue,
} from './format';
import type { FormatOperator } from './operators';
import { describeFailure, matchText, newFailure, type MatchFailure } from './text-match';

export { parseUpstreamCluster, type UpstreamClusterInfo } from './upstream-cluster';

export type AccessLogParseResult =
  | { ok: true; entry: AccessLogEntry }
  | {
      ok: false;
      reason: string;
      /** The input line, unchanged (minus its trailing newline). */
      raw: string;
      /** The kubectl timestamp prefix, when the line had one. */
      logTimestamp?: string;
    };

/** A fresh entry with every field present (fixed object shape) and unset. */
function blankEntry(raw: string, format: FormatName, logTimestamp: string | undefined): AccessLogEntry {
  return {
    raw,
    format,
    logTimestamp,
    startTime: undefined,
    method: undefined,
    path: undefined,
    protocol: undefined,
    responseCode: undefined,
    responseFlags: undefined,
    responseCodeDetails: undefined,
    connectionTerminationDetails: undefined,
    upstreamTransportFailureReason: undefined,
    bytesReceived: undefined,
    bytesSent: undefined,
    duration: undefined,
    upstreamServiceTime: undefined,
    xForwardedFor: undefined,
    userAgent: undefined,
    requestId: undefined,
    authority: undefined,
    upstreamHost: undefined,
    upstreamCluster: undefined,
    upstreamLocalAddress: undefined,
    downstreamLocalAddress: undefined,
    downstreamRemoteAddress: undefined,
    requestedServerName: undefined,
    routeName: undefined,
    mixerStatus: undefined,
    extra: undefined,
    warnings: undefined,
  };
}

function setField(entry: AccessLogEntry, op: FormatOperator, v: string | number | undefined): void {
  if (op.top) {
    (entry as unknown as Record<string, unknown>)[op.field] = v;
  } else if (v !== undefined) {
    (entry.extra ??= {})[op.field] = v;
  }
}

function digits(line: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) n = n * 10 + (line.charCodeAt(i) - 48);
  return n;
}

/** Fill entry fields from matched spans (values already validated by the matcher). */
function fillFromSpans(f: CompiledTextFormat, line: string, spans: Int32Array, entry: AccessLogEntry): void {
  for (let k = 0; k < f.ops.length; k++) {
    const op = f.ops[k]!;
    const a = spans[2 * k]!;
    const b = spans[2 * k + 1]!;
    let v: string | number | undefined;
    if (b - a === 1 && line.charCodeAt(a) === 45) v = undefined;
    else if (op.value === 'int') v = digits(line, a, b);
    else v = line.slice(a, b);
    setField(entry, op, v);
  }
}

/**
 * Length of a kubectl `--timestamps` prefix (RFC3339 or RFC3339Nano, then one space): the index of
 * that space, or -1.
 */
export function timestampPrefixEnd(line: string, end = line.length): number {
  if (end < 21) return -1;
  const d = (i: number) => {
    const c = line.charCodeAt(i);
    return c >= 48 && c <= 57;
  };
  const at = (i: number, ch: string) => line.charCodeAt(i) === ch.charCodeAt(0);
  if (!(d(0) && d(1) && d(2) && d(3) && at(4, '-') && d(5) && d(6) && at(7, '-') && d(8) && d(9) && at(10, 'T'))) return -1;
  if (!(d(11) && d(12) && at(13, ':') && d(14) && d(15) && at(16, ':') && d(17) && d(18))) return -1;
  let i = 19;
  if (at(i, '.')) {
    i++;
    const s = i;
    while (i < end && d(i)) i++;
    if (i === s) return -1;
  }
  if (at(i, 'Z')) i++;
  else if ((at(i, '+') || at(i, '-')) && d(i + 1) && d(i + 2) && at(i + 3, ':') && d(i + 4) && d(i + 5)) i += 6;
  else return -1;
  return i < end && at(i, ' ') ? i : -1;
}

const spansFor = new WeakMap<CompiledTextFormat, Int32Array>();
function spanBuffer(f: CompiledTextFormat): Int32Array {
  let s = spansFor.get(f);
  if (!s) spansFor.set(f, (s = new Int32Array(2 * f.ops.length)));
  return s;
}

type Outcome = { ok: true; entry: AccessLogEntry } | { ok: false; reason: string };

/** Parse with one TEXT format: the entry, or the failure of the generic matcher. */
function parseTextWith(
  f: CompiledTextFormat,
  line: string,
  s: number,
  end: number,
  raw: string,
  logTimestamp: string | undefined,
): AccessLogEntry | MatchFailure {
  if (f.layout === 'istio') {
    const fast = scanIstioDefault(line, s, end, raw, f.name, logTimestamp);
    if (fast) return fast;
  }
  const spans = spanBuffer(f);
  const fail = newFailure();
  if (!matchText(f, line, s, end, spans, fail)) return fail;
  const entry = blankEntry(raw, f.name, logTimestamp);
  fillFromSpans(f, line, spans, entry);
  return entry;
}

const isFailure = (x: AccessLogEntry | MatchFailure): x is MatchFailure => (x as MatchFailure).kind !== undefined;

function parseText(line: string, s: number, end: number, format: CompiledTextFormat | undefined, logTimestamp: string | undefined): Outcome {
  const raw = s === 0 && end === line.length ? line : line.slice(s, end);
  if (format) {
    const r = parseTextWith(format, line, s, end, raw, logTimestamp);
    if (!isFailure(r)) return { ok: true, entry: r };
    return { ok: false, reason: `does not match the ${format.name} access-log format: ${describeFailure(format, line, end, r)}` };
  }
  let best: { f: CompiledTextFormat; fail: MatchFailure } | undefined;
  let triedIstioLayout = false;
  for (let i = 0; i < AUTO_DETECT_FORMATS.length; i++) {
    const f = AUTO_DETECT_FORMATS[i]!;
    if (f.layout === 'istio') {
      if (triedIstioLayout) continue; // same layout as one already tried: same answer
      triedIstioLayout = true;
    }
    const r = parseTextWith(f, line, s, end, raw, logTimestamp);
    if (!isFailure(r)) return { ok: true, entry: r };
    if (!best || r.pos > best.fail.pos) best = { f, fail: r };
  }
  const names = AUTO_DETECT_FORMATS.map((f) => f.name).join(', ');
  return {
    ok: false,
    reason: `not an Istio access-log line (tried ${names}); closest is ${best!.f.name}: ${describeFailure(best!.f, line, end, best!.fail)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// JSON

interface JsonCtx {
  entry: AccessLogEntry;
  matched: number;
  error?: string;
}

function jsonValue(op: FormatOperator, v: unknown, key: string, ctx: JsonCtx): string | number | undefined {
  if (v === null || v === undefined || v === '-') return undefined;
  if (op.numeric) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
    ctx.error ??= `${key}: expected a non-negative integer, got ${JSON.stringify(v)}`;
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function fillJson(fields: readonly JsonFormatValue[], obj: Record<string, unknown>, ctx: JsonCtx, path: string): void {
  for (const fv of fields) {
    if (!Object.prototype.hasOwnProperty.call(obj, fv.key)) continue;
    const v = obj[fv.key];
    const key = path + fv.key;
    if (fv.kind === 'op') {
      ctx.matched++;
      setField(ctx.entry, fv.op, jsonValue(fv.op, v, key, ctx));
    } else if (fv.kind === 'text') {
      ctx.matched++;
      if (typeof v !== 'string' || v === '-') continue;
      const spans = spanBuffer(fv.format);
      const fail = newFailure();
      if (matchText(fv.format, v, 0, v.length, spans, fail)) fillFromSpans(fv.format, v, spans, ctx.entry);
      else ctx.error ??= `${key}: ${describeFailure(fv.format, v, v.length, fail)}`;
    } else if (fv.kind === 'object') {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) fillJson(fv.fields, v as Record<string, unknown>, ctx, key + '.');
    }
  }
}

function parseJson(text: string, format: CompiledJsonFormat, logTimestamp: string | undefined): Outcome {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON access-log line: ${(err as Error).message}` };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { ok: false, reason: 'JSON access-log line is not an object' };
  const rec = obj as Record<string, unknown>;
  const ctx: JsonCtx = { entry: blankEntry(text, format.name, logTimestamp), matched: 0 };
  fillJson(format.fields, rec, ctx, '');
  if (ctx.error) return { ok: false, reason: `does not match the ${format.name} access-log format: ${ctx.error}` };
  if (ctx.matched === 0) return { ok: false, reason: `JSON object has none of the keys of the ${format.name} access-log format` };
  const known = new Set(format.fields.map((f) => f.key));
  for (const [key, v] of Object.entries(rec)) {
    if (known.has(key) || v === null || v === undefined || v === '-') continue;
    (ctx.entry.extra ??= {})[camelCase(key)] = typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return { ok: true, entry: ctx.entry };
}

// ---------------------------------------------------------------------------------------------

function parseMessage(line: string, s: number, end: number, format: CompiledFormat | undefined, logTimestamp: string | undefined): Outcome {
  if (s >= end) return { ok: false, reason: logTimestamp === undefined ? 'empty line' : 'nothing after the log timestamp' };
  const brace = line.charCodeAt(s) === 123; /* { */
  if (format?.kind === 'json' || (brace && !format)) {
    const jf = format?.kind === 'json' ? format : FORMATS.istioJson;
    return parseJson(line.slice(s, end), jf, logTimestamp);
  }
  const text = parseText(line, s, end, format as CompiledTextFormat | undefined, logTimestamp);
  // A TEXT format was given but the proxy writes JSON (accessLogEncoding changed): read it anyway.
  if (!text.ok && brace) {
    const j = parseJson(line.slice(s, end), FORMATS.istioJson, logTimestamp);
    if (j.ok) return j;
  }
  return text;
}

/** An RFC3339 timestamp and a space inside a line: what merging two timestamped log streams leaves. */
const INTERLEAVED = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}) /g;

function repairInterleaved(line: string, s: number, end: number, format: CompiledFormat | undefined, logTimestamp: string | undefined): Outcome | undefined {
  const msg = line.slice(s, end);
  const found: { at: number; text: string }[] = [];
  for (const m of msg.matchAll(INTERLEAVED)) {
    if (m.index > 0 && msg.charCodeAt(m.index - 1) !== 91 /* [ */) found.push({ at: m.index, text: m[0] });
  }
  if (found.length === 0) return undefined;
  let cleaned = '';
  let from = 0;
  for (const f of found) {
    cleaned += msg.slice(from, f.at);
    from = f.at + f.text.length;
  }
  cleaned += msg.slice(from);
  const out = parseMessage(cleaned, 0, cleaned.length, format, logTimestamp);
  if (!out.ok) return undefined;
  out.entry.raw = msg;
  out.entry.warnings = found.map(
    (f) => `removed an interleaved log timestamp ${JSON.stringify(f.text.trim())} at column ${s + f.at + 1} (two log streams merged into this line)`,
  );
  return out;
}

/**
 * Parse one access-log line.
 * - `format` given: TEXT lines must match it; with a JSON format the line must be a JSON object.
 * - no format: a line starting with `{` is read as Istio's default JSON; otherwise Istio's TEXT
 *   variants are tried in order (current, 1.9–1.22, 1.3–1.8). Envoy's plain default is not an
 *   Istio format: pass `FORMATS.envoyDefault` to read such lines.
 * A leading kubectl timestamp (`pods/log?timestamps=true`) is split off into `logTimestamp`.
 * A timestamp interleaved inside the line (merged streams) is removed, with a warning.
 */
export function parseAccessLine(line: string, format?: CompiledFormat): AccessLogParseResult {
  let raw = typeof line === 'string' ? line : String(line);
  try {
    let end = raw.length;
    if (end > 0 && raw.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    if (end !== raw.length) raw = raw.slice(0, end);
    const te = raw.charCodeAt(0) >= 48 && raw.charCodeAt(0) <= 57 ? timestampPrefixEnd(raw, end) : -1;
    const s = te < 0 ? 0 : te + 1;
    const logTimestamp = te < 0 ? undefined : raw.slice(0, te);
    let out = parseMessage(raw, s, end, format, logTimestamp);
    if (out.ok) return out;
    // A custom format may itself start with an RFC3339 time: try the whole line too.
    if (s > 0 && format) {
      const whole = parseMessage(raw, 0, end, format, undefined);
      if (whole.ok) return whole;
    }
    const repaired = repairInterleaved(raw, s, end, format, logTimestamp);
    if (repaired) out = repaired;
    if (out.ok) return out;
    return logTimestamp === undefined ? { ok: false, reason: out.reason, raw } : { ok: false, reason: out.reason, raw, logTimestamp };
  } catch (err) {
    return { ok: false, reason: `parser error: ${err instanceof Error ? err.message : String(err)}`, raw };
  }
}

/** Milliseconds since the epoch of an entry's `startTime` (Envoy's default time format), or undefined. */
export function startTimeMillis(entry: Pick<AccessLogEntry, 'startTime'>): number | undefined {
  const t = entry.startTime;
  if (!t || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
