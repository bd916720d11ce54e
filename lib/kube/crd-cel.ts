/**
 * `x-kubernetes-validations` (CEL rules) of a structural schema, evaluated the way the
 * apiextensions API server does (`apiserver/schema/cel/validation.go`), with
 * `@marcbachmann/cel-js` as the interpreter:
 *
 * - a rule runs once per value at its schema node (each array item, each map value), with
 *   `self` typed by the schema (integers are CEL `int`, `number` is `double`, `format: byte` is
 *   `bytes`, `date-time` a timestamp; object fields get Kubernetes' name escaping);
 * - rules mentioning `oldSelf` (transition rules) run only when an old value correlates
 *   (same property path / map key; list items only in `x-kubernetes-list-type: map` lists);
 * - `false` → a cause with the rule's `message` (or `failed rule: <rule>`), the schema node's
 *   path (plus `fieldPath`), the `reason` (default `FieldValueInvalid`), and the node's type
 *   as the value (`Invalid value: "object": …`);
 * - runtime errors the server would also hit (`no such key`, a bad duration…) →
 *   `Invalid value: "<type>": <error> evaluating rule: <message or rule>`;
 * - an expression this interpreter cannot evaluate (parse error, unsupported function) never
 *   rejects the object: it is returned in `skipped`.
 *
 * `duration()` is replaced by a Go-compatible parser (`time.ParseDuration`: `"0"` is valid).
 */
import { Environment, evaluate as celEvaluate, type ParseResult } from '@marcbachmann/cel-js';
import { identifiers, mentions, parseGoDuration, renameGlobalCalls } from './cel-source';
import type { JSONSchemaProps, ValidationRule } from './crd-types';
import { fieldErrors, type FieldCause } from './field-errors';
import { isCIDR, isIP } from './openapi-formats';

export interface SkippedRule {
  rule: string;
  /** Path of the schema node the rule sits on (`spec.servers[0].tls`). */
  field: string;
  reason: string;
}

export interface CelResult {
  causes: FieldCause[];
  skipped: SkippedRule[];
}

const DURATION_FN = 'k8sGoDuration';

type DurationCtor = new (seconds: bigint, nanos: number) => unknown;
const Duration = (celEvaluate("duration('1s')") as { constructor: DurationCtor }).constructor;

class CelDataError extends Error {}

function goDuration(s: string): unknown {
  const ns = parseGoDuration(s);
  if (ns === undefined) throw new CelDataError("type conversion error from 'string' to 'google.protobuf.Duration'");
  const sec = ns / 1_000_000_000n;
  return new Duration(sec, Number(ns - sec * 1_000_000_000n));
}

let env: Environment | undefined;
function celEnv(): Environment {
  env ??= new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
    .registerVariable('self', 'dyn')
    .registerVariable('oldSelf', 'dyn')
    .registerFunction(`${DURATION_FN}(string): google.protobuf.Duration`, goDuration)
    .registerFunction('isIP(string): bool', (s: string) => isIP(s))
    .registerFunction('isCIDR(string): bool', (s: string) => isCIDR(s))
    .registerFunction('isURL(string): bool', (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s]*$|^\/[^\s]*$/.test(s));
  return env;
}

const compiled = new Map<string, ParseResult | Error>();
function compile(rule: string): ParseResult | Error {
  let c = compiled.get(rule);
  if (!c) {
    try {
      c = celEnv().parse(renameGlobalCalls(rule, 'duration', DURATION_FN));
    } catch (e) {
      c = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(rule, c);
  }
  return c;
}

// --- values --------------------------------------------------------------------------------

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** Kubernetes' escaping of property names for CEL (`x-y` → `x__dash__y`); undefined if inaccessible. */
export function escapeCelName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replaceAll('__', '__underscores__').replaceAll('.', '__dot__').replaceAll('-', '__dash__').replaceAll('/', '__slash__');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function addl(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  const a = s?.additionalProperties;
  return a && typeof a === 'object' ? a : a === true ? {} : undefined;
}

/** A JSON value as the CEL value Kubernetes would hand to a rule at schema node `s`. */
export function toCel(v: unknown, s: JSONSchemaProps | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') {
    if (s?.type === 'string' && s.format === 'byte') {
      try {
        return Uint8Array.from(atob(v), (c) => c.charCodeAt(0));
      } catch {
        return v;
      }
    }
    if (s?.type === 'string' && (s.format === 'date-time' || s.format === 'datetime')) {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? v : d;
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => toCel(x, s?.items));
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    if (s?.properties) {
      for (const [k, x] of Object.entries(v)) {
        const p: JSONSchemaProps | undefined = s.properties[k];
        const name = p ? escapeCelName(k) : undefined;
        if (name !== undefined) out[name] = toCel(x, p);
      }
      return out;
    }
    const a = addl(s);
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x, a);
    return out;
  }
  return v;
}

// --- walk ----------------------------------------------------------------------------------

const child = (p: string, name: string) => (p ? `${p}.${name}` : name);

/** Applies a rule's `fieldPath` (`.a.b`, `['x.y']`) to the node path. */
function withFieldPath(base: string, fieldPath: string, s: JSONSchemaProps): string {
  let p = base;
  let node: JSONSchemaProps | undefined = s;
  for (const m of fieldPath.matchAll(/\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[(\d+)\]/g)) {
    const name = m[1] ?? m[2]?.replace(/\\(.)/g, '$1');
    if (m[3] !== undefined) {
      p += `[${m[3]}]`;
      node = node?.items;
    } else if (name !== undefined) {
      if (node?.properties?.[name]) {
        p = child(p, name);
        node = node.properties[name];
      } else {
        p += `[${name}]`;
        node = addl(node);
      }
    }
  }
  return p;
}

interface Walk {
  out: CelResult;
}

function classify(e: unknown): { data: boolean; message: string } {
  if (e instanceof CelDataError) return { data: true, message: e.message };
  const cause = (e as { cause?: unknown })?.cause;
  if (cause instanceof CelDataError) return { data: true, message: cause.message };
  const err = e as { code?: string; message?: string };
  const first = String(err?.message ?? e).split('\n')[0]!;
  if (first.includes("type conversion error from 'string' to 'google.protobuf.Duration'")) {
    return { data: true, message: "type conversion error from 'string' to 'google.protobuf.Duration'" };
  }
  switch (err?.code) {
    case 'no_such_key': {
      const m = /^No such key: (.*)$/.exec(first);
      if (m && m[1]!.startsWith('index out of bounds')) return { data: true, message: m[1]! };
      return { data: true, message: `no such key: ${m ? m[1] : first}` };
    }
    case 'division_by_zero':
      return { data: true, message: 'division by zero' };
    case 'numeric_overflow':
      return { data: true, message: 'integer overflow' };
    case 'index_out_of_range':
      return { data: true, message: first };
    default:
      return { data: false, message: first };
  }
}

function runRules(w: Walk, path: string, s: JSONSchemaProps, v: unknown, old: unknown, hasOld: boolean): void {
  const rules = s['x-kubernetes-validations'];
  if (!rules?.length) return;
  const type = s['x-kubernetes-int-or-string'] ? '' : (s.type ?? '');
  for (const rule of rules) {
    const transition = mentions(rule.rule, 'oldSelf');
    if (transition && !hasOld && !rule.optionalOldSelf) continue;
    if (transition && !hasOld) {
      w.out.skipped.push({ rule: rule.rule, field: path, reason: 'optionalOldSelf transition rule without an old value (optional types not supported)' });
      continue;
    }
    const program = compile(rule.rule);
    if (program instanceof Error) {
      w.out.skipped.push({ rule: rule.rule, field: path, reason: `cannot compile: ${program.message.split('\n')[0]}` });
      continue;
    }
    const ctx: Record<string, unknown> = { self: toCel(v, s) };
    if (transition) ctx.oldSelf = toCel(old, s);
    let result: unknown;
    try {
      result = program(ctx);
    } catch (e) {
      const c = classify(e);
      if (c.data) w.out.causes.push(fieldErrors.invalid(path, type, `${c.message} evaluating rule: ${ruleText(rule)}`));
      else w.out.skipped.push({ rule: rule.rule, field: path, reason: `cannot evaluate: ${c.message}` });
      continue;
    }
    if (result === true) continue;
    if (result !== false) {
      w.out.skipped.push({ rule: rule.rule, field: path, reason: `rule did not return a bool (${typeof result})` });
      continue;
    }
    const at = rule.fieldPath ? withFieldPath(path, rule.fieldPath, s) : path;
    w.out.causes.push(failure(rule, at, type, message(rule, ctx)));
  }
}

function ruleText(rule: ValidationRule): string {
  return (rule.message?.trim() || rule.rule.trim());
}

function message(rule: ValidationRule, ctx: Record<string, unknown>): string {
  if (rule.messageExpression) {
    const p = compile(rule.messageExpression);
    if (!(p instanceof Error)) {
      try {
        const m = p(ctx);
        if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) return m.trim();
      } catch {
        // Falls back to message, as the API server does when messageExpression fails.
      }
    }
  }
  return rule.message?.trim() ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

function failure(rule: ValidationRule, path: string, type: string, detail: string): FieldCause {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldErrors.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldErrors.duplicate(path, type);
    default:
      return fieldErrors.invalid(path, type, detail);
  }
}

function walk(w: Walk, path: string, s: JSONSchemaProps | undefined, v: unknown, old: unknown, hasOld: boolean): void {
  if (!s || v === null || v === undefined) return;
  runRules(w, path, s, v, old, hasOld);
  if (Array.isArray(v)) {
    if (!s.items) return;
    const keys = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : undefined;
    const oldList = hasOld && Array.isArray(old) ? old : undefined;
    v.forEach((item, i) => {
      let oldItem: unknown;
      let itemHasOld = false;
      if (keys && oldList && isObj(item)) {
        oldItem = oldList.find((o) => isObj(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
        itemHasOld = oldItem !== undefined;
      }
      walk(w, `${path}[${i}]`, s.items, item, oldItem, itemHasOld);
    });
    return;
  }
  if (!isObj(v)) return;
  const oldObj = hasOld && isObj(old) ? old : undefined;
  const a = addl(s);
  for (const [k, x] of Object.entries(v)) {
    const p = s.properties?.[k];
    const oldHas = !!oldObj && k in oldObj;
    if (p) walk(w, child(path, k), p, x, oldObj?.[k], oldHas);
    else if (a) walk(w, `${path}[${k}]`, a, x, oldObj?.[k], oldHas);
  }
}

/**
 * Evaluates every `x-kubernetes-validations` rule of `schema` against `value` (a pruned object).
 * `old` (the stored object, on updates) enables transition rules.
 */
export function validateCelRules(schema: JSONSchemaProps, value: unknown, old?: unknown, path = ''): CelResult {
  const w: Walk = { out: { causes: [], skipped: [] } };
  walk(w, path, schema, value, old, old !== undefined);
  return w.out;
}

/** The CEL rules of a schema with their node paths (schema paths: `spec.http[].timeout`). */
export function listRules(schema: JSONSchemaProps, path = ''): Array<{ path: string; rule: ValidationRule; transition: boolean }> {
  const out: Array<{ path: string; rule: ValidationRule; transition: boolean }> = [];
  const visit = (s: JSONSchemaProps | undefined, p: string) => {
    if (!s) return;
    for (const rule of s['x-kubernetes-validations'] ?? []) out.push({ path: p, rule, transition: mentions(rule.rule, 'oldSelf') });
    for (const [k, sub] of Object.entries(s.properties ?? {})) visit(sub, child(p, k));
    visit(s.items, `${p}[]`);
    const a = s.additionalProperties;
    if (a && typeof a === 'object') visit(a, `${p}[*]`);
  };
  visit(schema, path);
  return out;
}

/** Whether a rule can be compiled by the interpreter (for reporting which rules are skipped). */
export function canCompile(rule: string): boolean {
  return !(compile(rule) instanceof Error);
}

/** Identifiers referenced by a rule (outside strings): exported for diagnostics. */
export function ruleIdentifiers(rule: string): string[] {
  return [...new Set(identifiers(rule).map((t) => t.name))];
}
