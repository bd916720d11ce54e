/**
 * Validation of an object against a CustomResourceDefinition version's `openAPIV3Schema`,
 * the way kube-apiserver does it for structural schemas, in the server's order:
 *
 * 1. decode: unknown fields pruned (their paths are `unknownFields`, sorted; with
 *    `fieldValidation=Strict` the server answers `strict decoding error: unknown field "spec.foo"`),
 *    nulls of non-nullable fields dropped, defaults applied;
 * 2. OpenAPI validation (type, enum, required, format, pattern, bounds, items, properties,
 *    oneOf/anyOf/allOf/not…) — see `openapi-validate.ts`;
 * 3. `x-kubernetes-list-type: set|map` uniqueness;
 * 4. CEL rules (`x-kubernetes-validations`) — only when step 2 found no type/required/enum/
 *    size error; otherwise one `<nil>` cause says the rules were not checked, as the server does.
 *
 * Causes carry the API server's `reason`, `message` (`ErrorBody`) and `field`.
 */
import { validateCelRules, type SkippedRule } from './crd-cel';
import { pruneAndDefault } from './crd-prune';
import type { JSONSchemaProps } from './crd-types';
import { fieldErrors, type FieldCause, type FieldErrorReason } from './field-errors';
import { validateOpenAPI } from './openapi-validate';

export type { FieldCause, FieldErrorReason } from './field-errors';
export type { SkippedRule } from './crd-cel';
export { strictDecodingError, unknownFieldWarnings } from './crd-prune';

export interface ValidateOptions {
  /** The stored object (updates): enables CEL transition rules (`oldSelf`). */
  oldObject?: unknown;
  /** `obj` is a whole resource (default): `apiVersion`, `kind`, `metadata` are left to ObjectMeta checks. */
  isResourceRoot?: boolean;
  /** Evaluate `x-kubernetes-validations` (default true). */
  cel?: boolean;
}

export interface SchemaValidationResult {
  /** The 422 causes, in the server's order (schema errors, list-type errors, CEL errors). */
  causes: FieldCause[];
  /** Fields the schema does not know, pruned: `spec.foo`, `spec.http[0].bar` (sorted). */
  unknownFields: string[];
  /** CEL rules that could not be evaluated here (they never reject the object). */
  skippedRules: SkippedRule[];
  /** What the server would store: a pruned, null-dropped, defaulted copy of the input. */
  object: unknown;
}

/** Error types that stop CEL evaluation (`hasBlockingErr` in the apiextensions strategy). */
const BLOCKING: ReadonlySet<FieldErrorReason> = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

export const CEL_NOT_CHECKED =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `structurallisttype.ValidateListSetsAndMaps`: duplicates in `set` and `map` lists. */
export function validateListTypes(s: JSONSchemaProps | undefined, v: unknown, path = ''): FieldCause[] {
  const out: FieldCause[] = [];
  if (!s || v === null || v === undefined) return out;
  if (Array.isArray(v)) {
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'set') {
      const seen = new Set<string>();
      v.forEach((x, i) => {
        const k = JSON.stringify(x);
        if (seen.has(k)) out.push(fieldErrors.duplicate(`${path}[${i}]`, x));
        seen.add(k);
      });
    } else if (lt === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      v.forEach((x, i) => {
        if (!isObj(x)) return;
        const keyObj = Object.fromEntries(keys.filter((k) => k in x).map((k) => [k, x[k]]));
        const k = JSON.stringify(keys.map((kk) => x[kk]));
        if (seen.has(k)) out.push(fieldErrors.duplicate(`${path}[${i}]`, keyObj));
        seen.add(k);
      });
    }
    v.forEach((x, i) => out.push(...validateListTypes(s.items, x, `${path}[${i}]`)));
    return out;
  }
  if (isObj(v)) {
    const a = s.additionalProperties;
    for (const [k, x] of Object.entries(v)) {
      const p = s.properties?.[k];
      if (p) out.push(...validateListTypes(p, x, path ? `${path}.${k}` : k));
      else if (a && typeof a === 'object') out.push(...validateListTypes(a, x, `${path}[${k}]`));
    }
  }
  return out;
}

/**
 * Validates `obj` against `schema` (a CRD version's `openAPIV3Schema`) as kube-apiserver does
 * on create/update. Does not modify `obj`.
 */
export function validateAgainstSchema(obj: unknown, schema: JSONSchemaProps, opts: ValidateOptions = {}): SchemaValidationResult {
  const root = opts.isResourceRoot ?? true;
  const { object, unknownFields } = pruneAndDefault(obj, schema, root);
  const causes = validateOpenAPI(schema, object);
  causes.push(...validateListTypes(schema, object));
  let skippedRules: SkippedRule[] = [];
  if (opts.cel ?? true) {
    if (causes.some((c) => BLOCKING.has(c.reason))) {
      causes.push(fieldErrors.invalid('', null, CEL_NOT_CHECKED));
    } else {
      const old = opts.oldObject === undefined ? undefined : pruneAndDefault(opts.oldObject, schema, root).object;
      const cel = validateCelRules(schema, object, old);
      causes.push(...cel.causes);
      skippedRules = cel.skipped;
    }
  }
  return { causes, unknownFields, skippedRules, object };
}
