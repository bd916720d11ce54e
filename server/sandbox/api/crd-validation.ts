/**
 * Adapter: validation of a custom resource against its CRD's openAPIV3Schema — structural checks,
 * pruning, defaulting and the CRD's CEL rules — by `lib/kube/crd-schema.ts`.
 */
import { validateAgainstSchema } from '../../../lib/kube/crd-schema';
import type { JSONSchemaProps } from '../../../lib/kube/crd-types';
import type { JsonSchema } from './istio-crds';
import type { StatusCause } from './status';

export interface CrValidation {
  /** 422 causes (`field` is a Kubernetes field path: `spec.http[0].route`). */
  causes: StatusCause[];
  /** Paths of fields the schema does not know (`spec.foo`), for fieldValidation. */
  unknownFields: string[];
  /** What the server stores: pruned of unknown fields, nulls dropped, defaults applied. */
  object: Record<string, unknown>;
}

/**
 * Validates `obj` (a whole custom resource) against `schema`. `old` is the stored object on
 * updates (CEL transition rules use it). Does not modify `obj`.
 */
export function validateCustomResource(schema: JsonSchema, obj: Record<string, unknown>, old?: Record<string, unknown>): CrValidation {
  const r = validateAgainstSchema(obj, schema as JSONSchemaProps, { oldObject: old, isResourceRoot: true });
  return { causes: r.causes, unknownFields: r.unknownFields, object: r.object as Record<string, unknown> };
}
