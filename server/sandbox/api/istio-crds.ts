/**
 * Adapter: where the API server gets Istio's CustomResourceDefinitions from — `lib/istio/crds.ts`
 * (Istio's own CRD YAML, copied with its provenance) — and the subset of the CRD types the server
 * reads. Nothing else in the API server touches CRD sources.
 */
import { istioCrdDefinitions } from '../../../lib/istio/crds';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** The subset of JSONSchemaProps the server reads (everything else passes through untouched). */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  format?: string;
  nullable?: boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [k: string]: unknown;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema: JsonSchema };
  subresources?: { status?: Record<string, never>; scale?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
  deprecated?: boolean;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** The Istio networking CRDs (Gateway, VirtualService, DestinationRule) as Istio ships them. */
export function istioCrds(): CustomResourceDefinition[] {
  return istioCrdDefinitions as unknown as CustomResourceDefinition[];
}
