/**
 * Render an entry as the line Envoy writes for a format, so that parse.ts reads it back unchanged.
 *
 * TEXT: values are written as they are (Envoy does not escape them), `-` for a value that is
 * absent or empty, `:len` truncation applied, quotes only where the format has them.
 * JSON: keys in the format's order, compact; numbers as JSON numbers; absent values as null,
 * except RESPONSE_FLAGS and PROTOCOL which Envoy writes as "-"; header values (such as
 * x-envoy-upstream-service-time) as strings.
 */
import { FORMATS, type AccessLogEntry, type CompiledFormat, type CompiledTextFormat, type JsonFormatValue } from './format';
import type { FormatOperator } from './operators';

export interface RenderOptions {
  /** Append the newline Envoy writes after each entry (default false: the line alone). */
  newline?: boolean;
}

/** The part of an entry the renderer reads. */
export type RenderableEntry = Partial<Omit<AccessLogEntry, 'extra'>> & { extra?: Record<string, string | number | undefined> };

function valueOf(entry: RenderableEntry, op: FormatOperator): unknown {
  return op.top ? (entry as Record<string, unknown>)[op.field] : entry.extra?.[op.field];
}

function textValue(v: unknown, op: FormatOperator): string {
  if (v === undefined || v === null || v === '') return '-';
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '-';
    s = String(v);
  } else {
    s = typeof v === 'string' ? v : String(v);
  }
  return op.maxLength !== undefined && s.length > op.maxLength ? s.slice(0, op.maxLength) : s;
}

function renderText(entry: RenderableEntry, f: CompiledTextFormat): string {
  const { literals, ops } = f;
  let out = literals[0]!;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    out += textValue(valueOf(entry, op), op);
    out += literals[i + 1]!;
  }
  return out;
}

function jsonOpValue(v: unknown, op: FormatOperator): unknown {
  const absent = v === undefined || v === null;
  if (op.json === 'dash') return absent || v === '' ? '-' : String(v);
  if (op.json === 'number') {
    if (absent) return null;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    const n = Number(v);
    return typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(n) ? n : String(v);
  }
  if (absent) return null;
  const s = typeof v === 'string' ? v : String(v);
  return op.maxLength !== undefined && s.length > op.maxLength ? s.slice(0, op.maxLength) : s;
}

function renderJsonFields(entry: RenderableEntry, fields: readonly JsonFormatValue[]): string {
  const parts: string[] = [];
  for (const fv of fields) {
    let v: unknown;
    if (fv.kind === 'op') v = jsonOpValue(valueOf(entry, fv.op), fv.op);
    else if (fv.kind === 'text') v = renderText(entry, fv.format);
    else if (fv.kind === 'const') v = fv.value;
    else {
      parts.push(`${JSON.stringify(fv.key)}:${renderJsonFields(entry, fv.fields)}`);
      continue;
    }
    parts.push(`${JSON.stringify(fv.key)}:${v === undefined ? 'null' : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The line Envoy writes for `entry` in `format` (a compiled TEXT or JSON format, or `'json'` for
 * Istio's default JSON format). Without `{ newline: true }` the trailing newline is left out.
 */
export function renderAccessLine(entry: RenderableEntry, format: CompiledFormat | 'json', options: RenderOptions = {}): string {
  const f = format === 'json' ? FORMATS.istioJson : format;
  const line = f.kind === 'json' ? renderJsonFields(entry, f.fields) : renderText(entry, f);
  return options.newline ? line + '\n' : line;
}
