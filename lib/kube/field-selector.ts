/**
 * Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`), as
 * k8s.io/apimachinery `pkg/fields/selector.go` parses them: terms split on unescaped commas,
 * operators `!=`, `==`, `=`, values unescaped (`\\`, `\,`, `\=`). An absent field reads as `''`.
 *
 * Re-exported by `selector.ts`; import from there.
 */
import { SelectorError } from './selector';

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

function splitTerms(s: string): string[] {
  if (s === '') return [];
  const out: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, FieldRequirement['operator'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return undefined;
}

/** `fields.UnescapeValue`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\=,]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new SelectorError(`invalid field selector: unescaped character in value: ${c}`);
    else out += c;
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** `fields.EscapeValue`: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses the `?fieldSelector=` string form. Throws SelectorError with kube-apiserver's message.
 *
 * @example parseFieldSelector('metadata.name=web,status.phase!=Running')
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    out.push({ field: t[0], operator: t[1], value: unescapeFieldValue(t[2]) });
  }
  return out;
}

/**
 * The value of a dotted field path in an object, as a field selector compares it: strings as
 * they are, numbers and booleans in their JSON form, anything absent as undefined.
 *
 * @example fieldValue(pod, 'status.phase') // 'Running'
 */
export function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

/** Whether an object (or a field getter) satisfies every field requirement. */
export function matchesFieldSelector(reqs: readonly FieldRequirement[], obj: unknown | ((field: string) => string | undefined)): boolean {
  const get = typeof obj === 'function' ? (obj as (f: string) => string | undefined) : (f: string) => fieldValue(obj, f);
  for (const r of reqs) {
    const v = get(r.field) ?? '';
    if (r.operator === '!=' ? v === r.value : v !== r.value) return false;
  }
  return true;
}

const COMMON = ['metadata.name', 'metadata.namespace'];

/**
 * The field labels kube-apiserver accepts per kind (its `*FieldsSet` / `AddFieldLabelConversionFunc`
 * tables); other kinds (including custom resources) accept only `metadata.name` and `metadata.namespace`.
 */
export const FIELD_LABELS: Readonly<Record<string, readonly string[]>> = {
  Pod: [
    ...COMMON,
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Secret: [...COMMON, 'type'],
  Node: [...COMMON, 'spec.unschedulable'],
  Namespace: [...COMMON, 'status.phase'],
  ReplicaSet: [...COMMON, 'status.replicas'],
  Event: [
    ...COMMON,
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};

/** The apiserver's error for a field selector naming a field the kind does not support, or undefined. */
export function unsupportedFieldLabel(kind: string, reqs: readonly FieldRequirement[]): string | undefined {
  const allowed = FIELD_LABELS[kind] ?? COMMON;
  const bad = reqs.find((r) => !allowed.includes(r.field));
  return bad ? `field label not supported: ${bad.field}` : undefined;
}
