/**
 * Kubernetes field errors (`k8s.io/apimachinery/pkg/util/validation/field`) as the API server
 * turns them into `Status.details.causes`: `reason` is the ErrorType (`FieldValueInvalid`…),
 * `message` is `ErrorBody()` (`Invalid value: "x": detail`), `field` is the path string.
 *
 * Values print the way Go's fmt does (`%q` for strings, `%v` for numbers and booleans), so the
 * messages match the API server's byte for byte for JSON-shaped values.
 */

export type FieldErrorReason =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

/** One cause of a 422 Invalid: what `metav1.StatusCause` carries. */
export interface FieldCause {
  reason: FieldErrorReason;
  message: string;
  /** `spec.http[0].route[0].weight`; `<nil>` for errors without a path (as the API server prints). */
  field: string;
}

const TYPE_TEXT: Record<FieldErrorReason, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** The path the API server prints for an error that has none (`(*field.Path)(nil).String()`). */
export const NIL_PATH = '<nil>';

/** Go's `strconv.Quote`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c < 0xe000))
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * Go's `%v` of a float64: strconv's 'g' format with the shortest digits, which switches to
 * exponent form when the exponent is < -4 or >= 6 (`1e+06`, `4.294967295e+09`, `0.0001`).
 */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expStr] = v.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const neg = v < 0 ? '-' : '';
  const point = exp + 1;
  if (point <= 0) return `${neg}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${neg}${digits}${'0'.repeat(point - digits.length)}`;
  return `${neg}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A JSON value as `ErrorBody` prints a BadValue: strings quoted, integers (Go int64) and
 * floats with `%v`, booleans, `null`; objects and arrays in Go's `%#v` form (approximated).
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return goSharpV(v);
}

function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}` : goFloat(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  const entries = Object.keys(v as object)
    .sort()
    .map((k) => `${goQuote(k)}:${goSharpV((v as Record<string, unknown>)[k])}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}

/** Marker for errors whose value is left out of the message (`field.OmitValueType`). */
export const OMIT = Symbol('omit');

/** `(*field.Error).ErrorBody()`. */
export function errorBody(reason: FieldErrorReason, value: unknown, detail: string): string {
  let s = TYPE_TEXT[reason];
  const omit =
    reason === 'FieldValueRequired' ||
    reason === 'FieldValueForbidden' ||
    reason === 'FieldValueTooLong' ||
    reason === 'InternalError' ||
    value === OMIT;
  if (!omit) s += `: ${goValue(value)}`;
  if (detail) s += `: ${detail}`;
  return s;
}

function make(reason: FieldErrorReason, field: string, value: unknown, detail: string): FieldCause {
  return { reason, field: field === '' ? NIL_PATH : field, message: errorBody(reason, value, detail) };
}

/** Constructors named after Go's `field.*`. */
export const fieldErrors = {
  invalid: (field: string, value: unknown, detail: string) => make('FieldValueInvalid', field, value, detail),
  typeInvalid: (field: string, value: unknown, detail: string) => make('FieldValueTypeInvalid', field, value, detail),
  required: (field: string, detail = '') => make('FieldValueRequired', field, '', detail),
  forbidden: (field: string, detail: string) => make('FieldValueForbidden', field, '', detail),
  duplicate: (field: string, value: unknown) => make('FieldValueDuplicate', field, value, ''),
  notFound: (field: string, value: unknown) => make('FieldValueNotFound', field, value, ''),
  notSupported: (field: string, value: unknown, valid: string[]) =>
    make('FieldValueNotSupported', field, value, valid.length ? `supported values: ${valid.map(goQuote).join(', ')}` : ''),
  tooLong: (field: string, maxLength: number) =>
    make(
      'FieldValueTooLong',
      field,
      OMIT,
      maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long',
    ),
  tooMany: (field: string, actual: number, max: number) =>
    make(
      'FieldValueTooMany',
      field,
      actual >= 0 ? actual : OMIT,
      max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items',
    ),
  internal: (field: string, detail: string) => make('InternalError', field, '', detail),
};

/** `field: message` (one element of the aggregate in a 422's `message`). */
export function causeText(c: FieldCause): string {
  return `${c.field}: ${c.message}`;
}

/**
 * The `message` of the 422 Status: `Kind.group "name" is invalid: <cause>` or `…: [c1, c2]`
 * (duplicates removed, as `ErrorList.ToAggregate` does).
 */
export function invalidMessage(kind: string, group: string, name: string, causes: FieldCause[]): string {
  const texts = [...new Set(causes.map(causeText))];
  const gk = group ? `${kind}.${group}` : kind;
  const agg = texts.length === 0 ? '' : texts.length === 1 ? `: ${texts[0]}` : `: [${texts.join(', ')}]`;
  return `${gk} "${name}" is invalid${agg}`;
}
