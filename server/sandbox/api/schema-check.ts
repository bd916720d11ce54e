/**
 * Structural checks of an object against an OpenAPI v3 schema: unknown fields (for
 * `fieldValidation`), type mismatches, enums and required fields. Used for the built-in kinds
 * (whose type errors are decode errors, 400) and as the fallback validator of custom resources
 * (type errors are 422 causes, as the apiextensions validator reports them).
 * Nulls in non-nullable fields are dropped first, as both decoders do.
 */
import type { JsonSchema } from './istio-crds';
import { goStructName } from './schemas/dsl';
import { fieldError, type StatusCause } from './status';

export interface TypeIssue {
  /** `spec.ports[0].port` */
  field: string;
  /** The decode error the Go JSON decoder would print. */
  goMessage: string;
}

export interface CheckResult {
  unknown: string[];
  typeErrors: TypeIssue[];
  causes: StatusCause[];
}

export interface CheckOptions {
  /** Remove unknown fields in place. */
  prune?: boolean;
  /** Report required fields and enum violations (custom resources). */
  semantic?: boolean;
  /** Path prefix of `value` (e.g. `spec` when checking only the spec). */
  path?: string;
}

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v;

const crdType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

function goTypeName(s: JsonSchema): string {
  if (s['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  switch (s.type) {
    case 'integer':
      return s.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'array':
      return `[]${s.items ? goTypeName(s.items).replace(/^v1\./, 'v1.') : 'interface {}'}`;
    case 'object': {
      const g = goStructName.get(s);
      if (g) return `v1.${g}`;
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map[string]${goTypeName(s.additionalProperties)}`;
      return 'map[string]interface {}';
    }
    default:
      return 'interface {}';
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function typeMatches(s: JsonSchema, v: unknown): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const goPath = (field: string) => field.replace(/\[\d+\]/g, '');

export function checkSchema(schema: JsonSchema, value: unknown, opts: CheckOptions = {}): CheckResult {
  const out: CheckResult = { unknown: [], typeErrors: [], causes: [] };
  walk(schema, value, opts.path ?? '', undefined, out, opts);
  return out;
}

function walk(s: JsonSchema, v: unknown, path: string, parent: JsonSchema | undefined, out: CheckResult, opts: CheckOptions): void {
  if (!typeMatches(s, v)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer-or-string' : s.type!;
    const parentName = parent ? goStructName.get(parent) : undefined;
    out.typeErrors.push({
      field: path,
      goMessage: `json: cannot unmarshal ${jsonType(v)} into Go ${parentName ? `struct field ${parentName}.${goPath(path)}` : 'value'} of type ${goTypeName(s)}`,
    });
    if (opts.semantic) {
      out.causes.push({
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${crdType(v)}": ${path} in body must be of type ${want}: "${crdType(v)}"`,
        field: path,
      });
    }
    return;
  }
  if (opts.semantic && s.enum && !s.enum.some((e) => e === v)) {
    out.causes.push(fieldError.notSupported(path, v, s.enum.map((e) => String(e))));
  }
  if (Array.isArray(v)) {
    if (s.items) {
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null && !s.items.nullable) continue;
        walk(s.items, v[i], `${path}[${i}]`, parent, out, opts);
      }
    }
    return;
  }
  if (!isPlainObject(v) || s.type !== 'object') return;
  const props = s.properties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const addl = s.additionalProperties;
  for (const key of Object.keys(v)) {
    const child = v[key];
    const sub = props?.[key] ?? (addl && typeof addl === 'object' ? addl : undefined);
    if (child === null && !(sub?.nullable)) {
      // Both decoders treat null as "not set" (CRDs prune it; Go leaves the zero value).
      if (opts.prune || !sub || !sub.nullable) delete v[key];
      continue;
    }
    if (sub) {
      walk(sub, child, join(path, key), s, out, opts);
    } else if (!preserve && addl !== true) {
      out.unknown.push(join(path, key));
      if (opts.prune) delete v[key];
    }
  }
  if (opts.semantic && s.required) {
    for (const r of s.required) if (!(r in v)) out.causes.push(fieldError.required(join(path, r)));
  }
}
