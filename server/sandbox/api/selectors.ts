/**
 * Adapter: label and field selectors (the `labelSelector` / `fieldSelector` query parameters).
 *
 * The shared implementation is `lib/kube/selector.ts`; until it exists this module carries a
 * minimal one with the same grammar (k8s.io/apimachinery/pkg/labels and pkg/fields). Swap point:
 * `parseLabelSelector` / `parseFieldSelector` below.
 * Both throw `SelectorError` with the apiserver's message; the REST layer turns it into 400.
 */

export class SelectorError extends Error {}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

type LabelReq =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(k: string): string {
  if (!KEY.test(k) || k.length > 317) throw new SelectorError(`unable to parse requirement: invalid label key "${k}"`);
  return k;
}
function checkValue(v: string): string {
  if (!VALUE.test(v) || v.length > 63) throw new SelectorError(`unable to parse requirement: invalid label value: "${v}"`);
  return v;
}

function parseLabelReq(term: string): LabelReq {
  let m = /^!\s*(\S+)$/.exec(term);
  if (m) return { key: checkKey(m[1]!), op: '!' };
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (m) {
    const values = m[3]!.split(',').map((v) => checkValue(v.trim()));
    return { key: checkKey(m[1]!), op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) return { key: checkKey(m[1]!), op: m[2] === '!=' ? '!=' : '=', value: checkValue(m[3]!) };
  if (/^[^=!\s()]+$/.test(term)) return { key: checkKey(term), op: 'exists' };
  throw new SelectorError(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

function matchReq(r: LabelReq, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
      return has && v === r.value;
    case '!=':
      return !has || v !== r.value;
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
  }
}

export function parseLabelSelector(s: string): LabelMatcher {
  const reqs = splitTop(s).map(parseLabelReq);
  if (reqs.length === 0) return () => true;
  return (labels) => reqs.every((r) => matchReq(r, labels));
}

export function parseFieldSelector(s: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const term of splitTop(s)) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${term}'`);
    out.push({ field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() });
  }
  return out;
}

/** Does `get(field)` satisfy every requirement? (An absent field reads as ''.) */
export function matchFields(reqs: FieldRequirement[], get: (field: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.field) ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** `matchLabels` + `matchExpressions` (metav1.LabelSelector) as a matcher; null selector matches nothing. */
export function labelSelectorMatcher(sel: unknown): LabelMatcher {
  if (!sel || typeof sel !== 'object') return () => false;
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const reqs: LabelReq[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) reqs.push({ key: k, op: '=', value: v });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (op === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (op === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'DoesNotExist') reqs.push({ key: e.key, op: '!' });
  }
  return (labels) => reqs.every((r) => matchReq(r, labels));
}

/** metav1.FormatLabelSelector: `app=x,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '<none>';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const parts: string[] = [];
  for (const k of Object.keys(s.matchLabels ?? {}).sort()) parts.push(`${k}=${s.matchLabels![k]}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
