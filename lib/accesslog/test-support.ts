/**
 * Test helpers (used only by *.test.ts and the bench): a seeded PRNG and a generator of entries
 * for any compiled format. Pure: no I/O.
 */
import type { AccessLogEntry, CompiledFormat, CompiledTextFormat, JsonFormatValue } from './format';
import type { FormatOperator } from './operators';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenOptions {
  /** Probability that a field is absent (`-`). */
  absent?: number;
  /**
   * Allow the sequences `" ` and ` "` inside text values. Envoy does not escape TEXT values, so
   * with them a line can be genuinely ambiguous; the round-trip test leaves them out.
   */
  adversarial?: boolean;
  /** JSON output: any string is representable, including newlines and backslashes. */
  json?: boolean;
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/|_-,;[]()=+*&%$#@!?<>{}~^\'`';
const TEXT_ALPHABET = TOKEN_ALPHABET + '   "\\é日';

export function randomEntryFor(format: CompiledFormat, rnd: () => number, options: GenOptions = {}): AccessLogEntry {
  const absent = options.absent ?? 0.2;
  const pick = (s: string) => s.charAt(Math.floor(rnd() * s.length));
  const str = (alphabet: string, min: number, max: number) => {
    const n = min + Math.floor(rnd() * (max - min + 1));
    let out = '';
    for (let i = 0; i < n; i++) out += pick(alphabet);
    return out;
  };
  const token = (): string => {
    const v = str(TOKEN_ALPHABET, 1, 24);
    return v === '-' ? 'x' : v;
  };
  const text = (): string => {
    let v = options.json ? str(TEXT_ALPHABET + '\n\t', 1, 40) : str(TEXT_ALPHABET, 1, 40);
    if (!options.adversarial && !options.json) v = v.replace(/" /g, '"x').replace(/ "/g, 'x"');
    return v === '-' ? 'y' : v;
  };
  const entry: AccessLogEntry = { raw: '' };
  const fill = (op: FormatOperator) => {
    if (rnd() < absent) return;
    const v = op.value === 'int' ? Math.floor(rnd() * (rnd() < 0.5 ? 1000 : 1e12)) : op.value === 'token' ? token() : text();
    if (op.top) (entry as unknown as Record<string, unknown>)[op.field] = v;
    else (entry.extra ??= {})[op.field] = v;
  };
  const walk = (fields: readonly JsonFormatValue[]) => {
    for (const f of fields) {
      if (f.kind === 'op') fill(f.op);
      else if (f.kind === 'text') f.format.ops.forEach(fill);
      else if (f.kind === 'object') walk(f.fields);
    }
  };
  if (format.kind === 'text') (format as CompiledTextFormat).ops.forEach(fill);
  else walk(format.fields);
  return entry;
}

/** The entry the parser should return for `entry` rendered as `line` in `format`. */
export function expectedParse(entry: AccessLogEntry, line: string, format: CompiledFormat): AccessLogEntry {
  return { ...entry, raw: line, format: format.name };
}
