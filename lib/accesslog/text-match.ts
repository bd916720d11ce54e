/**
 * The generic TEXT matcher: splits a line along a compiled format's literals.
 *
 * Envoy does not escape values in TEXT logs, so a header such as the user agent may itself contain
 * spaces and quotes. Each operator's value therefore ends at the first occurrence of the literal
 * that follows it; when the rest of the line then fails to match, values of `text` operators are
 * extended to the next occurrence (backtracking). `int` and `token` values never extend past a
 * space or quote, which keeps the search small and rejects misaligned splits. A step budget bounds
 * the work on hostile input.
 */
import type { CompiledTextFormat } from './format';
import type { FormatOperator } from './operators';

const STEP_BUDGET = 4096;
const MAX_DIGITS = 15;

export interface MatchFailure {
  /**
   * Column (0-based in the line) of the first failure met. The search tries the first occurrence
   * of every separator first, so this is where the straightforward reading of the line broke —
   * a better explanation than where some backtracked attempt gave up. -1 if none recorded.
   */
  pos: number;
  kind: 'prefix' | 'literal' | 'token' | 'int' | 'end' | 'budget' | 'empty';
  /** Operator index involved (or -1). */
  op: number;
  /** Where the failing operator's value started. */
  start: number;
}

export function newFailure(): MatchFailure {
  return { pos: -1, kind: 'empty', op: -1, start: 0 };
}

function record(f: MatchFailure, pos: number, kind: MatchFailure['kind'], op: number, start: number): void {
  if (f.pos < 0 || kind === 'budget') {
    f.pos = pos;
    f.kind = kind;
    f.op = op;
    f.start = start;
  }
}

/** Index of the first character in [a, b) that the value class does not allow, or -1. */
export function firstInvalid(line: string, a: number, b: number, cls: FormatOperator['value']): number {
  if (cls === 'text') return -1;
  if (cls === 'int') {
    if (b - a === 1 && line.charCodeAt(a) === 45) return -1;
    if (b === a) return a;
    for (let i = a; i < b; i++) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) return i;
    }
    return b - a > MAX_DIGITS ? a + MAX_DIGITS : -1;
  }
  for (let i = a; i < b; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 34) return i;
  }
  return -1;
}

interface Ctx {
  f: CompiledTextFormat;
  line: string;
  end: number;
  spans: Int32Array;
  fail: MatchFailure;
  steps: number;
}

function matchOp(ctx: Ctx, k: number, pos: number): boolean {
  const { f, line, end, spans, fail } = ctx;
  const op = f.ops[k]!;
  const lit = f.literals[k + 1]!;
  const last = k === f.ops.length - 1;
  if (last) {
    const e = end - lit.length;
    if (e < pos || !line.startsWith(lit, e)) {
      record(fail, pos, lit === '' ? 'end' : 'literal', k, pos);
      return false;
    }
    const bad = firstInvalid(line, pos, e, op.value);
    if (bad >= 0) {
      record(fail, bad, op.value === 'int' ? 'int' : 'token', k, pos);
      return false;
    }
    spans[2 * k] = pos;
    spans[2 * k + 1] = e;
    return true;
  }
  // Adjacent operators with no literal between them: any split point is a candidate.
  let e = lit === '' ? pos : line.indexOf(lit, pos);
  if (e < 0 || e + lit.length > end) {
    // The literal is missing; for int/token values say where the value stopped looking valid.
    const bad = firstInvalid(line, pos, end, op.value);
    if (bad >= 0) record(fail, bad, 'token', k, pos);
    else record(fail, pos, 'literal', k, pos);
    return false;
  }
  while (e >= 0 && e + lit.length <= end) {
    if (++ctx.steps > STEP_BUDGET) {
      record(fail, Number.MAX_SAFE_INTEGER, 'budget', k, pos);
      return false;
    }
    const bad = firstInvalid(line, pos, e, op.value);
    if (bad >= 0) {
      // A longer value would hold the same bad character: stop extending.
      record(fail, bad, op.value === 'int' && bad === pos ? 'int' : 'token', k, pos);
      return false;
    }
    spans[2 * k] = pos;
    spans[2 * k + 1] = e;
    if (matchOp(ctx, k + 1, e + lit.length)) return true;
    e = lit === '' ? e + 1 : line.indexOf(lit, e + 1);
  }
  return false;
}

/**
 * Match `line[start, end)` against a TEXT format. On success `spans` holds, for operator k, the
 * value range [spans[2k], spans[2k+1]). On failure `fail` describes the furthest point reached.
 */
export function matchText(f: CompiledTextFormat, line: string, start: number, end: number, spans: Int32Array, fail: MatchFailure): boolean {
  const lit0 = f.literals[0]!;
  if (!line.startsWith(lit0, start) || start + lit0.length > end) {
    record(fail, start, 'prefix', -1, start);
    return false;
  }
  if (f.ops.length === 0) {
    if (start + lit0.length === end) return true;
    record(fail, start + lit0.length, 'end', -1, start);
    return false;
  }
  const ctx: Ctx = { f, line, end, spans, fail, steps: 0 };
  return matchOp(ctx, 0, start + lit0.length);
}

const q = (s: string) => JSON.stringify(s);

function snippet(line: string, at: number, end: number): string {
  if (at >= end) return 'end of line';
  const s = line.slice(at, Math.min(end, at + 24));
  return q(at + 24 < end ? s + '…' : s);
}

/** A readable sentence for a failure (columns are 1-based, counted in `line`). */
export function describeFailure(f: CompiledTextFormat, line: string, end: number, fail: MatchFailure): string {
  const op = fail.op >= 0 ? f.ops[fail.op] : undefined;
  const field = op ? op.field : '';
  const col = fail.pos + 1;
  switch (fail.kind) {
    case 'prefix':
      return `expected the line to start with ${q(f.literals[0]!)}, found ${snippet(line, fail.start, end)}`;
    case 'int':
      return `${field}: expected a number at column ${col}, found ${snippet(line, fail.pos, end)}`;
    case 'token': {
      const lit = f.literals[fail.op + 1] ?? '';
      const value = line.slice(fail.start, fail.pos);
      if (fail.pos >= end) return `line ends after ${field} ${q(value)} (truncated?)`;
      if (lit === '' || fail.op === f.ops.length - 1 || fail.pos === fail.start)
        return `${field}: unexpected ${q(line.charAt(fail.pos))} at column ${col} in ${snippet(line, fail.start, end)}`;
      return `expected ${q(lit)} after ${field} ${q(value)} at column ${col}, found ${snippet(line, fail.pos, end)}`;
    }
    case 'literal': {
      const lit = f.literals[fail.op + 1] ?? '';
      const last = fail.op === f.ops.length - 1;
      if (last) return `expected the line to end with ${q(lit)} after ${field} (column ${col}), found ${snippet(line, fail.pos, end)}`;
      return `line ends before the ${q(lit)} that follows ${field} (column ${col}; truncated?)`;
    }
    case 'end':
      return `unexpected text at column ${col}: ${snippet(line, fail.pos, end)}`;
    case 'budget':
      return 'too ambiguous to split (search budget exceeded)';
    case 'empty':
      return 'empty line';
  }
}
