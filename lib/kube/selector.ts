/**
 * Label and field selectors, as k8s.io/apimachinery defines them:
 *
 * - `metav1.LabelSelector` (`matchLabels` + `matchExpressions` with In/NotIn/Exists/DoesNotExist),
 *   used by Deployments and NetworkPolicies;
 * - the string form of `?labelSelector=` (`pkg/labels.Parse`): `a=b,c!=d,e in (x,y),f notin (z),!g,h,i>1`;
 * - the string form of `?fieldSelector=` (`pkg/fields.ParseSelector`): `metadata.name=x,status.phase!=Running`.
 *
 * The grammar, the sorted/deduplicated values and the error messages follow apimachinery
 * (`labels/selector.go`, `fields/selector.go`) so that the sandbox's API server answers as
 * kube-apiserver does.
 */

/** `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** `metav1.LabelSelector`. An empty selector selects everything; a missing (null) one, nothing. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** `selection.Operator`, spelled as in apimachinery. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a parsed label selector (`labels.Requirement`); `values` sorted and unique. */
export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

/** A selector that cannot be parsed or is invalid; the message is kube-apiserver's. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

// ---- validation (k8s.io/apimachinery/pkg/util/validation) -----------------------------------

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** `IsQualifiedName`: `[prefix/]name`; returns the problems (empty when valid). */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!NAME_PART.test(name)) errs.push(NAME_PART_MSG);
  return errs;
}

/** `IsValidLabelValue`; returns the problems (empty when valid). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (value !== '' && !NAME_PART.test(value)) errs.push(VALUE_MSG);
  return errs;
}

/** `labels.NewRequirement`: validates and normalises (values sorted, duplicates removed). */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length) throw new SelectorError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) throw new SelectorError("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) throw new SelectorError('values: Invalid value: []: exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) throw new SelectorError('values: Invalid value: []: values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) throw new SelectorError("values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required");
      if (!/^[+-]?[0-9]+$/.test(values[0]!)) {
        throw new SelectorError(`values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      break;
  }
  for (const [i, v] of values.entries()) {
    const e = labelValueErrors(v);
    if (e.length) throw new SelectorError(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${e.join('; ')}`);
  }
  return { key, operator, values: [...new Set(values)].sort() };
}

// ---- matching ------------------------------------------------------------------------------

const has = (labels: Labels, key: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);

/** `Requirement.Matches`. */
export function requirementMatches(r: Requirement, labels: Labels): boolean {
  const present = has(labels, r.key);
  const v = present ? labels![r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return present && r.values.includes(v);
    case 'notin':
    case '!=':
      return !present || !r.values.includes(v);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present || !/^[+-]?[0-9]+$/.test(v)) return false;
      const lv = Number(v);
      const rv = Number(r.values[0]);
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

/** Whether labels satisfy every requirement (no requirements: everything matches). */
export function matchesRequirements(reqs: readonly Requirement[], labels: Labels): boolean {
  return reqs.every((r) => requirementMatches(r, labels));
}

/** `labels.SelectorFromSet(set).Matches(labels)`: every `key=value` holds; an empty set matches everything. */
export function matchesLabels(set: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(set ?? {})) if (!has(labels, k) || labels![k] !== v) return false;
  return true;
}

/** `metav1.LabelSelectorAsSelector`: requirements of a LabelSelector; throws SelectorError on an unknown operator. */
export function labelSelectorRequirements(sel: LabelSelector): Requirement[] {
  const out: Requirement[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) out.push(newRequirement(k, '=', [sel.matchLabels![k]!]));
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator];
    if (!op) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    out.push(newRequirement(e.key, op, e.values ?? []));
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Whether a `metav1.LabelSelector` selects these labels: `null`/`undefined` selects nothing, `{}`
 * selects everything, an invalid selector selects nothing (as `LabelSelectorAsSelector` errors).
 *
 * @example matchesLabelSelector({ matchExpressions: [{ key: 'version', operator: 'In', values: ['v1', 'v2'] }] }, { version: 'v2' }) // true
 */
export function matchesLabelSelector(sel: LabelSelector | null | undefined, labels: Labels): boolean {
  if (!sel) return false;
  try {
    return matchesRequirements(labelSelectorRequirements(sel), labels);
  } catch {
    return false;
  }
}

/** `Requirement.String()`: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`. */
export function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** `metav1.FormatLabelSelector`: the string form, `<none>` for an empty selector. */
export function formatLabelSelector(sel: LabelSelector | null | undefined): string {
  if (!sel) return '<none>';
  let reqs: Requirement[];
  try {
    reqs = labelSelectorRequirements(sel);
  } catch {
    return '<error>';
  }
  return reqs.length ? reqs.map(formatRequirement).join(',') : '<none>';
}

// ---- the string form (pkg/labels.Parse) ------------------------------------------------------

type Tok = 'end' | 'error' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
const SYMBOLS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [')', ')'], [',', ','], ['!', '!'], ['==', '=='], ['=', '='], ['>', '>'], ['<', '<'], ['!=', '!='], ['(', '('],
]);
const isSpecial = (c: string) => '=!(),><'.includes(c);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): Array<[Tok, string]> {
  const out: Array<[Tok, string]> = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) {
      out.push(['end', '']);
      return out;
    }
    if (isSpecial(s[i]!)) {
      // greedy: the longest run of special characters that is still a token
      let buf = '';
      let last: [Tok, string] | undefined;
      while (i < s.length && isSpecial(s[i]!)) {
        buf += s[i];
        const t = SYMBOLS.get(buf);
        if (t) last = [t, buf];
        else if (last) break;
        i++;
      }
      if (!last) {
        out.push(['error', `error expected: keyword found '${buf}'`]);
        out.push(['end', '']);
        return out;
      }
      out.push(last);
    } else {
      let buf = '';
      while (i < s.length && !isSpecial(s[i]!) && !isSpace(s[i]!)) buf += s[i++];
      out.push(buf === 'in' ? ['in', buf] : buf === 'notin' ? ['notin', buf] : ['id', buf]);
    }
  }
}

/**
 * Parses the `?labelSelector=` string form into requirements sorted by key (`labels.Parse`).
 * Throws SelectorError with kube-apiserver's message when the string is invalid.
 *
 * @example parseLabelSelector('app=web,version in (v1,v2),!canary')
 */
export function parseLabelSelector(selector: string): Requirement[] {
  const items = lex(selector);
  let pos = 0;
  // In a values context, `in`/`notin` are plain identifiers.
  const look = (values: boolean): [Tok, string] => {
    const [t, l] = items[pos]!;
    return values && (t === 'in' || t === 'notin') ? ['id', l] : [t, l];
  };
  const take = (values: boolean): [Tok, string] => {
    const r = look(values);
    pos++;
    return r;
  };
  const fail = (msg: string): never => {
    throw new SelectorError(`unable to parse requirement: ${msg}`);
  };

  const requirement = (): Requirement => {
    let [tok, lit] = take(true);
    let op: Operator | undefined;
    if (tok === '!') {
      op = '!';
      [tok, lit] = take(true);
    }
    if (tok !== 'id') return fail(tok === 'error' ? lit : `found '${lit}', expected: identifier`);
    const key = lit;
    const keyErrs = qualifiedNameErrors(key);
    if (keyErrs.length) fail(`Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const [next] = look(true);
    if (next === 'end' || next === ',') return wrap(() => newRequirement(key, op ?? 'exists', []));
    if (op === '!') return fail(`found '${look(true)[1]}', expected: ',' or 'end of string'`);
    const [opTok, opLit] = take(false);
    const ops: Partial<Record<Tok, Operator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const operator = ops[opTok];
    if (!operator) return fail(`found '${opLit}', expected: in, notin, =, ==, !=, gt, lt`);
    let values: string[];
    if (operator === 'in' || operator === 'notin') values = valueSet();
    else {
      const [t] = look(true);
      if (t === 'end' || t === ',') values = [''];
      else {
        const [t2, l2] = take(true);
        if (t2 !== 'id') return fail(`found '${l2}', expected: identifier`);
        values = [l2];
      }
    }
    return wrap(() => newRequirement(key, operator, values));
  };
  const wrap = (f: () => Requirement): Requirement => {
    try {
      return f();
    } catch (e) {
      return fail((e as Error).message);
    }
  };
  const valueSet = (): string[] => {
    const [t, l] = take(true);
    if (t !== '(') return fail(`found '${l}' expected: '('`);
    const [t1, l1] = look(true);
    if (t1 === ')') {
      pos++;
      return [''];
    }
    if (t1 !== 'id' && t1 !== ',') return fail(`found '${l1}', expected: ',', ')' or identifier`);
    const s = new Set<string>();
    for (;;) {
      const [tt, ll] = take(true);
      if (tt === 'id') {
        s.add(ll);
        const [t2, l2] = look(true);
        if (t2 === ',') continue;
        if (t2 === ')') break;
        return fail(`found '${l2}', expected: ',' or ')'`);
      } else if (tt === ',') {
        if (s.size === 0) s.add('');
        const [t2] = look(true);
        if (t2 === ')') {
          s.add('');
          break;
        }
        if (t2 === ',') {
          pos++;
          s.add('');
        }
      } else return fail(`found '${ll}', expected: ',', or identifier`);
    }
    const [tc, lc] = take(true);
    if (tc !== ')') return fail(`found '${lc}', expected: ')'`);
    return [...s];
  };

  const reqs: Requirement[] = [];
  for (;;) {
    const [tok, lit] = look(true);
    if (tok === 'end') break;
    if (tok !== 'id' && tok !== '!') throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
    reqs.push(requirement());
    const [t, l] = take(true);
    if (t === 'end') break;
    if (t !== ',') throw new SelectorError(`found '${l}', expected: ',' or 'end of string'`);
    const [t2, l2] = look(true);
    if (t2 !== 'id' && t2 !== '!') throw new SelectorError(`found '${l2}', expected: identifier after ','`);
  }
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Parses a label selector string into a predicate over labels.
 *
 * @example compileLabelSelector('app=web,!canary')({ app: 'web' }) // true
 */
export function compileLabelSelector(selector: string): (labels: Labels) => boolean {
  const reqs = parseLabelSelector(selector);
  return (labels) => matchesRequirements(reqs, labels);
}

export * from './field-selector';
