/**
 * The API server's OpenAPI schema validation of custom resources (kube-openapi
 * `pkg/validation/validate`, as configured by apiextensions-apiserver), and the conversion of
 * its results into field errors (`kubeOpenAPIResultToFieldErrors`).
 *
 * Reproduced on purpose, quirks included:
 * - every keyword is checked independently (a type mismatch does not stop `enum`), errors
 *   with the same text are reported once;
 * - `oneOf`/`anyOf`/`allOf`/`not` failures are plain errors without a path: the API server
 *   prints them with the field `<nil>` and the value `""`
 *   (`<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives`);
 * - number formats (`int32`, `double`…) are ignored (the server strips unsupported formats);
 * - `maxLength` counts characters (runes), `pattern` is an RE2 (Go) regexp, unanchored.
 */
import { re2 } from '../routing/regex';
import type { JSONSchemaProps } from './crd-types';
import { fieldErrors, goFloat, goQuote, NIL_PATH, type FieldCause } from './field-errors';
import { checkFormat, supportedFormat } from './openapi-formats';

type Code =
  | 'InvalidType'
  | 'Required'
  | 'TooLong'
  | 'TooShort'
  | 'Pattern'
  | 'Enum'
  | 'MultipleOf'
  | 'Max'
  | 'Min'
  | 'Unique'
  | 'MaxItems'
  | 'MinItems'
  | 'TooFewProperties'
  | 'TooManyProperties'
  | 'UnallowedProperty';

type OErr =
  | { kind: 'validation'; code: Code; name: string; value?: unknown; valid?: number; values?: unknown[]; message: string }
  | { kind: 'plain'; message: string };

class Result {
  errors: OErr[] = [];
  matchCount = 0;
  add(...errs: OErr[]): this {
    for (const e of errs) if (!this.errors.some((x) => x.message === e.message)) this.errors.push(e);
    return this;
  }
  merge(...others: Array<Result | undefined>): this {
    for (const o of others) {
      if (!o) continue;
      this.add(...o.errors);
      this.matchCount += o.matchCount;
    }
    return this;
  }
  get valid(): boolean {
    return this.errors.length === 0;
  }
}

const IN = 'body';
const err = (e: OErr) => new Result().add(e);
const v = (code: Code, name: string, message: string, extra: Partial<Extract<OErr, { kind: 'validation' }>> = {}): OErr => ({
  kind: 'validation',
  code,
  name,
  message,
  ...extra,
});

/** JSON type name of a value, and the Go format kube-openapi infers for it. */
function typeInfo(d: unknown): [string, string] {
  if (typeof d === 'string') return ['string', ''];
  if (typeof d === 'boolean') return ['boolean', ''];
  if (typeof d === 'number') return Number.isInteger(d) ? ['integer', 'int64'] : ['number', 'float64'];
  if (Array.isArray(d)) return ['array', ''];
  return ['object', ''];
}

function schemaTypes(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function invalidType(path: string, typeName: string, value: unknown): OErr {
  const message =
    typeof value === 'string' ? `${path} in ${IN} must be of type ${typeName}: ${goQuote(value)}` : `${path} in ${IN} must be of type ${typeName}`;
  return v('InvalidType', path, message, { value });
}

function validateType(s: JSONSchemaProps, path: string, d: unknown): Result | undefined {
  const types = schemaTypes(s);
  const format = supportedFormat(s.format) ? s.format! : '';
  if (types.length === 0 && !format) return undefined;
  if (d === null) {
    if (types.length > 0 && !types.includes('null') && !s.nullable) return err(invalidType(path, types.join(','), 'null'));
    return undefined;
  }
  const [schType, dataFormat] = typeInfo(d);
  const isFloatInt = schType === 'number' && Number.isInteger(d) && types.includes('integer');
  const isIntFloat = schType === 'integer' && types.includes('number');
  const kindStringOrSlice = typeof d === 'string' || Array.isArray(d);
  if (!kindStringOrSlice && format && !(types.includes(schType) || dataFormat === format || isFloatInt || isIntFloat)) {
    return err(invalidType(path, format, dataFormat));
  }
  if (!(types.includes('number') || types.includes('integer')) && format && kindStringOrSlice) return undefined;
  if (!(types.includes(schType) || isFloatInt || isIntFloat)) return err(invalidType(path, types.join(','), schType));
  return undefined;
}

function validateProps(s: JSONSchemaProps, path: string, d: unknown): Result {
  const main = new Result();
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let ok = false;
    for (const sub of s.anyOf) {
      const r = validateNode(sub, path, d);
      if (r.valid) {
        best = undefined;
        ok = true;
        first ??= r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!ok) main.add({ kind: 'plain', message: `${goQuote(path)} must validate at least one schema (anyOf)` });
    if (best) main.merge(best);
    else if (first) main.merge(first);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateNode(sub, path, d);
      if (r.valid) {
        validated++;
        best = undefined;
        first ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const extra = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      main.add({ kind: 'plain', message: `${goQuote(path)} must validate one and only one schema (oneOf). ${extra}` });
      if (best) main.merge(best);
    } else if (first) main.merge(first);
  }
  if (s.allOf?.length) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateNode(sub, path, d);
      if (r.valid) validated++;
      main.merge(r);
    }
    if (validated !== s.allOf.length) {
      main.add({ kind: 'plain', message: `${goQuote(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}` });
    }
  }
  if (s.not && validateNode(s.not, path, d).valid) {
    main.add({ kind: 'plain', message: `${goQuote(path)} must not validate the schema (not)` });
  }
  main.matchCount++;
  return main;
}

function validateString(s: JSONSchemaProps, path: string, d: string): Result | undefined {
  const runes = [...d].length;
  if (s.maxLength !== undefined && runes > s.maxLength) {
    return err(v('TooLong', path, `${path} in ${IN} should be at most ${s.maxLength} chars long`, { value: d, valid: s.maxLength }));
  }
  if (s.minLength !== undefined && runes < s.minLength) {
    return err(v('TooShort', path, `${path} in ${IN} should be at least ${s.minLength} chars long`, { value: d }));
  }
  if (s.pattern) {
    const re = re2(s.pattern);
    if (re instanceof Error) {
      return err(v('Pattern', path, `${path} in ${IN} should match '${s.pattern}, but pattern is invalid: ${re.message}'`, { value: d }));
    }
    if (!re.matcher(d).find()) return err(v('Pattern', path, `${path} in ${IN} should match '${s.pattern}'`, { value: d }));
  }
  return undefined;
}

function validateNumber(s: JSONSchemaProps, path: string, d: number): Result {
  const res = new Result();
  const isInt = Number.isInteger(d);
  // Bounds print as int64 when the data is an integer (MaximumNativeType), as float64 otherwise.
  const bound = (b: number) => (isInt ? String(Math.trunc(b)) : goFloat(b));
  if (s.multipleOf !== undefined) {
    const q = d / s.multipleOf;
    if (!Number.isInteger(q)) res.add(v('MultipleOf', path, `${path} in ${IN} should be a multiple of ${goFloat(s.multipleOf)}`, { value: d }));
  }
  if (s.minimum !== undefined) {
    const min = isInt ? Math.trunc(s.minimum) : s.minimum;
    if ((!s.exclusiveMinimum && d < min) || (s.exclusiveMinimum && d <= min)) {
      const op = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      res.add(v('Min', path, `${path} in ${IN} should be ${op} ${bound(s.minimum)}`, { value: d }));
    }
  }
  if (s.maximum !== undefined) {
    const max = isInt ? Math.trunc(s.maximum) : s.maximum;
    if ((!s.exclusiveMaximum && d > max) || (s.exclusiveMaximum && d >= max)) {
      const op = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      res.add(v('Max', path, `${path} in ${IN} should be ${op} ${bound(s.maximum)}`, { value: d }));
    }
  }
  res.matchCount++;
  return res;
}

function validateSlice(s: JSONSchemaProps, path: string, d: unknown[]): Result {
  const res = new Result();
  if (s.items) d.forEach((item, i) => res.merge(validateNode(s.items!, `${path}[${i}]`, item)));
  if (s.minItems !== undefined && d.length < s.minItems) {
    res.add(v('MinItems', path, `${path} in ${IN} should have at least ${s.minItems} items`, { value: d.length }));
  }
  if (s.maxItems !== undefined && d.length > s.maxItems) {
    res.add(v('MaxItems', path, `${path} in ${IN} should have at most ${s.maxItems} items`, { value: d.length, valid: s.maxItems }));
  }
  if (s.uniqueItems) {
    const seen = new Set<string>();
    for (const item of d) {
      const key = canonical(item);
      if (seen.has(key)) {
        res.add(v('Unique', path, `${path} in ${IN} shouldn't contain duplicates`));
        break;
      }
      seen.add(key);
    }
  }
  res.matchCount++;
  return res;
}

function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

function validateEnum(s: JSONSchemaProps, path: string, d: unknown): Result | undefined {
  if (!s.enum?.length) return undefined;
  const key = canonical(d);
  if (d !== null && d !== undefined && s.enum.some((e) => canonical(e) === key)) return undefined;
  const shown = `[${s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(' ')}]`;
  return err(v('Enum', path, `${path} in ${IN} should be one of ${shown}`, { value: d, values: s.enum }));
}

function validateObject(s: JSONSchemaProps, path: string, d: Record<string, unknown>): Result {
  const res = new Result();
  const keys = Object.keys(d);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    res.add(v('TooFewProperties', path, `${path} in ${IN} should have at least ${s.minProperties} properties`, { value: keys.length }));
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    res.add(
      v('TooManyProperties', path, `${path} in ${IN} should have at most ${s.maxProperties} properties`, {
        value: keys.length,
        valid: s.maxProperties,
      }),
    );
  }
  const addl = s.additionalProperties;
  if (addl === false) {
    for (const k of keys) {
      if (!s.properties?.[k]) res.add(v('UnallowedProperty', path, `${path}.${k} in ${IN} is a forbidden property`, { value: k }));
    }
  } else if (addl && typeof addl === 'object') {
    for (const k of keys) if (!s.properties?.[k]) res.merge(validateNode(addl, path ? `${path}.${k}` : k, d[k]));
  }
  for (const k of keys) {
    const p = s.properties?.[k];
    if (p) res.merge(validateNode(p, path ? `${path}.${k}` : k, d[k]));
  }
  for (const r of s.required ?? []) {
    if (!(r in d)) res.add(v('Required', `${path}.${r}`, `${path}.${r} in ${IN} is required`));
  }
  return res;
}

/** One SchemaValidator: every applicable keyword validator, in kube-openapi's order. */
function validateNode(s: JSONSchemaProps, path: string, d: unknown): Result {
  const res = new Result();
  if (d === null || d === undefined) {
    res.merge(validateType(s, path, null), validateEnum(s, path, null));
    return res;
  }
  const steps: Array<() => Result | undefined> = [
    () => validateType(s, path, d),
    () => validateProps(s, path, d),
    () => (typeof d === 'string' ? validateString(s, path, d) : undefined),
    () =>
      typeof d === 'string' && supportedFormat(s.format) && !checkFormat(s.format!, d)
        ? err(invalidType(path, s.format!, d))
        : undefined,
    () => (typeof d === 'number' ? validateNumber(s, path, d) : undefined),
    () => (Array.isArray(d) ? validateSlice(s, path, d) : undefined),
    () => validateEnum(s, path, d),
    () => (typeof d === 'object' && !Array.isArray(d) ? validateObject(s, path, d as Record<string, unknown>) : undefined),
  ];
  for (const step of steps) {
    const r = step();
    res.merge(r);
    res.matchCount++;
  }
  res.matchCount++;
  return res;
}

function toFieldError(e: OErr): FieldCause {
  if (e.kind === 'plain') return fieldErrors.invalid(NIL_PATH, '', e.message);
  const path = e.name === '.' ? '' : e.name.replace(/^\./, '');
  switch (e.code) {
    case 'Required':
      return fieldErrors.required(path);
    case 'Enum':
      return fieldErrors.notSupported(
        path,
        e.value ?? null,
        (e.values ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))),
      );
    case 'TooLong':
      return fieldErrors.tooLong(path, e.valid ?? -1);
    case 'MaxItems':
    case 'TooManyProperties':
      return fieldErrors.tooMany(path, typeof e.value === 'number' ? e.value : -1, e.valid ?? -1);
    case 'InvalidType':
      return fieldErrors.typeInvalid(path, e.value ?? '', e.message);
    default:
      return fieldErrors.invalid(path, e.value ?? '', e.message);
  }
}

/**
 * Validates `value` against `schema` the way kube-openapi does for custom resources and returns
 * the field errors the API server would report (in a deterministic order: object keys in input
 * order, where the server iterates Go maps). `path` is the path of `value` (empty at the root).
 */
export function validateOpenAPI(schema: JSONSchemaProps, value: unknown, path = ''): FieldCause[] {
  return validateNode(schema, path, value).errors.map(toFieldError);
}
