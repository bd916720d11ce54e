/**
 * A small vocabulary to write the built-in kinds' OpenAPI schemas compactly. The schemas serve
 * three purposes: the `/openapi/v3` documents (kubectl explain), strict field validation (unknown
 * fields), and type checks. Where a subtree is not modelled field by field it is marked
 * `x-kubernetes-preserve-unknown-fields` so that nothing real is ever reported as unknown.
 */
import type { JsonSchema } from '../istio-crds';

/** Go struct name of object schemas, for decode errors ("Go struct field ServicePort.spec.ports.port"). */
export const goStructName = new WeakMap<JsonSchema, string>();

export function obj(goName: string, properties: Record<string, JsonSchema>, extra: Partial<JsonSchema> = {}): JsonSchema {
  const s: JsonSchema = { type: 'object', ...extra, properties };
  goStructName.set(s, goName);
  return s;
}

/** The schema with a description (keeps its Go struct name). */
export function d<T extends JsonSchema>(s: T, description: string): T {
  const out = { ...s, description };
  const g = goStructName.get(s);
  if (g) goStructName.set(out, g);
  return out;
}

export const str = (description?: string): JsonSchema => (description ? { type: 'string', description } : { type: 'string' });
export const int32 = (description?: string): JsonSchema => ({ type: 'integer', format: 'int32', ...(description ? { description } : {}) });
export const int64 = (description?: string): JsonSchema => ({ type: 'integer', format: 'int64', ...(description ? { description } : {}) });
export const bool = (description?: string): JsonSchema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const time = (description?: string): JsonSchema => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
export const intOrString = (description?: string): JsonSchema => ({
  'x-kubernetes-int-or-string': true,
  ...(description ? { description } : {}),
});
export const arr = (items: JsonSchema, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'array', items, ...extra });
export const strMap = (description?: string): JsonSchema => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  ...(description ? { description } : {}),
});
export const mapOf = (v: JsonSchema, description?: string): JsonSchema => ({
  type: 'object',
  additionalProperties: v,
  ...(description ? { description } : {}),
});
/** A subtree not modelled field by field: any object. */
export const open = (description?: string): JsonSchema => ({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  ...(description ? { description } : {}),
});
/** A list merged by key in strategic merge patch (kubectl's patch meta for built-in kinds). */
export const mergeList = (items: JsonSchema, key: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'array',
  items,
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
  ...extra,
});
/** A list of scalars treated as a set (finalizers). */
export const setList = (items: JsonSchema): JsonSchema => ({
  type: 'array',
  items,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-list-type': 'set',
});

export const quantity = (): JsonSchema => intOrString();
