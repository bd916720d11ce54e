/**
 * Structural pruning of a custom resource, as the apiextensions API server does it on decode
 * (`apiextensions-apiserver/pkg/apiserver/schema/pruning` and `.../defaulting/prunenulls.go`):
 *
 * 1. fields the structural schema does not specify are removed (unless a node carries
 *    `x-kubernetes-preserve-unknown-fields`); their paths are returned, sorted, in the API
 *    server's syntax (`spec.foo`, `spec.http[0].bar`) — what `fieldValidation=Strict` reports
 *    as `unknown field "spec.foo"`;
 * 2. `null` in a non-nullable property without a default is dropped (not an error);
 * 3. defaults (`default:`) are applied where the property is absent (or null and non-nullable).
 *
 * At the resource root `apiVersion`, `kind` (strings) and `metadata` (an object) are kept and
 * not descended into: ObjectMeta has its own rules.
 */
import type { JSONSchemaProps } from './crd-types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function addlSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  const a = s.additionalProperties;
  if (a === undefined || a === false) return undefined;
  return a === true ? {} : a;
}

interface PruneState {
  unknown: string[];
}

const appendKey = (path: string, k: string) => (path ? `${path}.${k}` : k);

function prune(x: unknown, s: JSONSchemaProps | undefined, path: string, embedded: boolean, st: PruneState): void {
  if (s && s['x-kubernetes-preserve-unknown-fields']) {
    skipPrune(x, s, path, embedded, st);
    return;
  }
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const v = x[k];
      if (embedded || s?.['x-kubernetes-embedded-resource']) {
        if ((k === 'apiVersion' || k === 'kind') && typeof v === 'string') continue;
        if (k === 'metadata' && isObj(v)) continue;
      }
      const prop = s?.properties?.[k];
      const addl = s ? addlSchema(s) : undefined;
      if (prop) prune(v, prop, appendKey(path, k), false, st);
      else if (addl) prune(v, addl, appendKey(path, k), false, st);
      else {
        if (!META_FIELDS.has(k) || path !== '') st.unknown.push(appendKey(path, k));
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => prune(v, s?.items, `${path}[${i}]`, false, st));
  }
}

function skipPrune(x: unknown, s: JSONSchemaProps, path: string, embedded: boolean, st: PruneState): void {
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      if ((embedded || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) continue;
      const prop = s.properties?.[k];
      const addl = addlSchema(s);
      if (prop) prune(x[k], prop, appendKey(path, k), false, st);
      else if (addl) prune(x[k], addl, appendKey(path, k), false, st);
    }
  } else if (Array.isArray(x) && s.items) {
    x.forEach((v, i) => skipPrune(v, s.items!, `${path}[${i}]`, false, st));
  }
}

/** Removes nulls of non-nullable properties that have no default (`PruneNonNullableNullsWithoutDefaults`). */
function dropNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop && x[k] === null && !prop.nullable && prop.default === undefined) delete x[k];
    }
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop) dropNulls(x[k], prop);
      else {
        const addl = addlSchema(s);
        if (addl) dropNulls(x[k], addl);
      }
    }
  } else if (Array.isArray(x)) {
    for (const v of x) dropNulls(v, s.items);
  }
}

/** Applies `default` values (structural defaulting: absent properties, and nulls of non-nullable ones). */
function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop) applyDefaults(x[k], prop);
      else {
        const addl = addlSchema(s);
        if (addl) applyDefaults(x[k], addl);
      }
    }
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default === undefined) continue;
      if (!(k in x) || (x[k] === null && !prop.nullable)) {
        x[k] = structuredClone(prop.default);
        applyDefaults(x[k], prop);
      }
    }
  } else if (Array.isArray(x)) {
    for (const v of x) applyDefaults(v, s.items);
  }
}

export interface PruneResult {
  /** A pruned, null-dropped, defaulted deep copy of the input. */
  object: unknown;
  /** Paths of the removed fields, sorted (`spec.foo`, `spec.http[0].bar`). */
  unknownFields: string[];
}

/**
 * What the API server stores of `obj` before validation: unknown fields pruned, nulls dropped,
 * defaults applied. `isResourceRoot` (default true) treats `obj` as a whole custom resource.
 * The input is not modified.
 */
export function pruneAndDefault(obj: unknown, schema: JSONSchemaProps, isResourceRoot = true): PruneResult {
  const copy = structuredClone(obj);
  const st: PruneState = { unknown: [] };
  prune(copy, schema, '', isResourceRoot, st);
  dropNulls(copy, schema);
  applyDefaults(copy, schema);
  st.unknown.sort(goStringCompare);
  return { object: copy, unknownFields: st.unknown };
}

/** Byte-wise string order (Go's `sort.Strings`), not locale order. */
export function goStringCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` (fieldValidation=Strict). */
export function strictDecodingError(unknownFields: string[]): string {
  return `strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`;
}

/** The `Warning` header texts of fieldValidation=Warn (one per field): `unknown field "spec.foo"`. */
export function unknownFieldWarnings(unknownFields: string[]): string[] {
  return unknownFields.map((f) => `unknown field "${f}"`);
}
