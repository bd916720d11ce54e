/**
 * Istio's networking CustomResourceDefinitions (Gateway, VirtualService, DestinationRule), as
 * shipped by istio/istio (`lib/istio/crds/`, see PROVENANCE.md), parsed: names, versions
 * (`v1` storage, `v1beta1`, `v1alpha3`), their `openAPIV3Schema` and printer columns.
 */
import { validateAgainstSchema, type SchemaValidationResult, type ValidateOptions } from '../kube/crd-schema';
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
  PrinterColumn,
} from '../kube/crd-types';
import { crdDocuments } from './crds/crds.generated';

export interface IstioCrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  schema: JSONSchemaProps;
  additionalPrinterColumns: PrinterColumn[];
  subresources: NonNullable<CustomResourceDefinitionVersion['subresources']>;
}

export interface IstioCrd {
  /** `gateways.networking.istio.io` */
  name: string;
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: 'Namespaced' | 'Cluster';
  /** The version persisted in etcd (`v1`). */
  storageVersion: string;
  /** In the CRD's order (`v1`, `v1alpha3`, `v1beta1`). */
  versions: IstioCrdVersion[];
  /** The CustomResourceDefinition object itself, as Istio ships it. */
  definition: CustomResourceDefinition;
}

function isCrd(x: unknown): x is CustomResourceDefinition {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'CustomResourceDefinition';
}

function parse(def: CustomResourceDefinition): IstioCrd {
  const { names, group, scope } = def.spec;
  const versions = def.spec.versions.map(
    (v): IstioCrdVersion => ({
      name: v.name,
      served: v.served,
      storage: v.storage,
      deprecated: v.deprecated ?? false,
      schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      additionalPrinterColumns: v.additionalPrinterColumns ?? [],
      subresources: v.subresources ?? {},
    }),
  );
  return {
    name: def.metadata.name,
    group,
    kind: names.kind,
    listKind: names.listKind,
    plural: names.plural,
    singular: names.singular,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    scope,
    storageVersion: versions.find((v) => v.storage)?.name ?? versions[0]!.name,
    versions,
    definition: def,
  };
}

/** Every CRD in `lib/istio/crds/`, in file order. */
export const istioCrdDefinitions: readonly CustomResourceDefinition[] = crdDocuments.filter(isCrd);

/** The parsed CRDs, in file order (DestinationRule, Gateway, VirtualService). */
export const istioCrds: readonly IstioCrd[] = istioCrdDefinitions.map(parse);

function byKind(kind: string): IstioCrd {
  const c = istioCrds.find((x) => x.kind === kind);
  if (!c) throw new Error(`lib/istio/crds: no CRD for kind ${kind}`);
  return c;
}

export const gatewayCrd: IstioCrd = byKind('Gateway');
export const virtualServiceCrd: IstioCrd = byKind('VirtualService');
export const destinationRuleCrd: IstioCrd = byKind('DestinationRule');

/** Finds a CRD by kind, plural, singular or short name (case-insensitive for names), optionally within a group. */
export function findIstioCrd(nameOrKind: string, group?: string): IstioCrd | undefined {
  const n = nameOrKind.toLowerCase();
  return istioCrds.find(
    (c) =>
      (group === undefined || c.group === group) &&
      (c.kind === nameOrKind || c.plural === n || c.singular === n || c.shortNames.includes(n) || c.name === n),
  );
}

/** The schema of `group/version, kind`, if Istio's CRDs serve it. */
export function istioSchema(apiVersion: string, kind: string): JSONSchemaProps | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const crd = istioCrds.find((c) => c.group === group && c.kind === kind);
  return crd?.versions.find((v) => v.name === version && v.served)?.schema;
}

/**
 * Validates an Istio object (by its `apiVersion`/`kind`) as the API server would with Istio's
 * CRDs installed. Undefined when the object is not of a kind/version these CRDs serve.
 */
export function validateIstioObject(obj: { apiVersion?: unknown; kind?: unknown }, opts?: ValidateOptions): SchemaValidationResult | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const schema = istioSchema(obj.apiVersion, obj.kind);
  return schema ? validateAgainstSchema(obj, schema, opts) : undefined;
}
