/**
 * Small lexical helpers over CEL source text (string literals skipped): finding identifiers
 * (`oldSelf` makes a rule a transition rule) and renaming global function calls, which lets
 * gatescope replace a built-in of the CEL library with the Kubernetes semantics
 * (`duration()` parses Go durations, where `"0"` is valid).
 */

export interface IdentToken {
  name: string;
  start: number;
  end: number;
  /** Preceded by `.` (a field selection or a receiver-style call). */
  member: boolean;
  /** Followed by `(` (a call). */
  call: boolean;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/** Index just past the string literal starting at `i` (`'…'`, `"…"`, triple-quoted, raw `r"…"`). */
function skipString(src: string, i: number, raw: boolean): number {
  const q = src[i]!;
  const triple = src.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < src.length) {
    if (!raw && src[j] === '\\') {
      j += 2;
      continue;
    }
    if (src.startsWith(close, j)) return j + close.length;
    if (!triple && src[j] === '\n') return j;
    j++;
  }
  return j;
}

export function identifiers(src: string): IdentToken[] {
  const out: IdentToken[] = [];
  let i = 0;
  let prevSignificant = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      i = skipString(src, i, false);
      prevSignificant = '"';
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j]!)) j++;
      const name = src.slice(i, j);
      // String prefixes: r"…", b"…", rb"…", br"…" (any case).
      if (/^(r|b|rb|br)$/i.test(name) && (src[j] === '"' || src[j] === "'")) {
        i = skipString(src, j, /r/i.test(name));
        prevSignificant = '"';
        continue;
      }
      let k = j;
      while (k < src.length && /\s/.test(src[k]!)) k++;
      out.push({ name, start: i, end: j, member: prevSignificant === '.', call: src[k] === '(' });
      prevSignificant = 'a';
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      // Numbers (1.5e3, 0x1F, 2u): consume so `e3`/`u` are not read as identifiers.
      let j = i + 1;
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j]!)) {
        if (src[j] === '.' && !/[0-9]/.test(src[j + 1] ?? '')) break;
        j++;
      }
      i = j;
      prevSignificant = '0';
      continue;
    }
    if (!/\s/.test(c)) prevSignificant = c;
    i++;
  }
  return out;
}

/** Whether the expression mentions the identifier (outside strings, not as a field name). */
export function mentions(src: string, name: string): boolean {
  return identifiers(src).some((t) => t.name === name && !t.member);
}

/** Renames global calls `from(` to `to(` (not `x.from(`, not inside strings). */
export function renameGlobalCalls(src: string, from: string, to: string): string {
  const hits = identifiers(src).filter((t) => t.name === from && t.call && !t.member);
  let out = src;
  for (const t of hits.reverse()) out = out.slice(0, t.start) + to + out.slice(t.end);
  return out;
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** Go's `time.ParseDuration`, in nanoseconds; undefined when Go would return an error. */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const intPart = m[1] ?? '';
    const frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) return undefined;
    rest = rest.slice(m[0].length);
    const u = /^(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!u) return undefined;
    rest = rest.slice(u[0].length);
    const unit = UNIT_NS[u[0]]!;
    let v = BigInt(intPart || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) return undefined;
  }
  return neg ? -total : total;
}
