/**
 * The resources the sandbox serves: built-in kinds with their compact schemas, and the Istio kinds
 * from Istio's own CRDs. One `ResourceDef` per resource; discovery, OpenAPI, tables, validation and
 * the REST handlers all read from here.
 */
import type { ResourceKey } from './store';
import { istioCrds, type CustomResourceDefinition, type JsonSchema, type PrinterColumn } from './istio-crds';
import * as core from './schemas/core';
import * as other from './schemas/other';
import * as rbac from './schemas/rbac';
import * as wl from './schemas/workloads';

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];

export interface ResourceDef {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  storageVersion: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  /** Subresources served: `status`, `scale`, `log`, `proxy`, `portforward`. */
  subresources: string[];
  /** Store key: `core/pods`, `networking.istio.io/virtualservices`. */
  key: ResourceKey;
  /** Backed by a CRD: unstructured, no strategic merge patch, lists atomic for SSA. */
  custom: boolean;
  crd?: CustomResourceDefinition;
  /** Schema of the whole object per served version. */
  schema(version: string): JsonSchema | undefined;
  /** CRD additionalPrinterColumns per version (custom resources only). */
  printerColumns?(version: string): PrinterColumn[];
  /** Component name in OpenAPI v3 documents (`io.k8s.api.core.v1.Pod`, `io.istio.networking.v1.VirtualService`). */
  openapiName(version: string): string;
  /** DELETE answers the deleted object (true) or a Success Status (false), as the real registry does. */
  returnDeletedObject: boolean;
  /** Field selectors beyond metadata.name/metadata.namespace. */
  fieldSelectors: Record<string, (o: Record<string, unknown>) => string | undefined>;
  /** Not persisted (SelfSubjectAccessReview). */
  virtual?: boolean;
  /** Name validation: `subdomain` (DNS-1123 subdomain), `label` (DNS-1123 label), `dns1035` (Service), `path` (any path segment). */
  nameRule: 'subdomain' | 'label' | 'dns1035' | 'path';
}

const get = (o: Record<string, unknown>, path: string): string | undefined => {
  let cur: unknown = o;
  for (const p of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'string' ? cur : String(cur);
};
const fields = (...paths: string[]) => Object.fromEntries(paths.map((p) => [p, (o: Record<string, unknown>) => get(o, p)]));

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  schema: JsonSchema;
  subresources?: string[];
  verbs?: string[];
  returnDeletedObject?: boolean;
  fieldSelectors?: Record<string, (o: Record<string, unknown>) => string | undefined>;
  virtual?: boolean;
  nameRule?: ResourceDef['nameRule'];
  openapiPrefix: string;
}

function builtin(s: BuiltinSpec): ResourceDef {
  return {
    group: s.group,
    versions: [s.version],
    storageVersion: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    namespaced: s.namespaced,
    verbs: s.verbs ?? ALL_VERBS,
    subresources: s.subresources ?? [],
    key: `${s.group || 'core'}/${s.plural}`,
    custom: false,
    schema: (v) => (v === s.version ? s.schema : undefined),
    openapiName: () => `${s.openapiPrefix}.${s.kind}`,
    returnDeletedObject: s.returnDeletedObject ?? false,
    fieldSelectors: s.fieldSelectors ?? {},
    virtual: s.virtual,
    nameRule: s.nameRule ?? 'subdomain',
  };
}

const CORE = 'io.k8s.api.core.v1';

const BUILTINS: ResourceDef[] = [
  builtin({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false, schema: core.namespace, subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], returnDeletedObject: true, fieldSelectors: fields('status.phase'), nameRule: 'label', openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', shortNames: ['no'], namespaced: false, schema: core.node, subresources: ['status', 'proxy'], fieldSelectors: fields('spec.unschedulable'), openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'], namespaced: true, schema: wl.pod, subresources: ['status', 'log', 'proxy', 'portforward'], returnDeletedObject: true, fieldSelectors: fields('spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'), openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], namespaced: true, schema: core.service, subresources: ['status', 'proxy'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], returnDeletedObject: true, fieldSelectors: fields('spec.clusterIP', 'spec.type'), nameRule: 'dns1035', openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'], namespaced: true, schema: core.endpoints, openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'], namespaced: true, schema: core.configMap, openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, schema: core.secret, fieldSelectors: fields('type'), openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], namespaced: true, schema: core.serviceAccount, returnDeletedObject: true, openapiPrefix: CORE }),
  builtin({ group: '', version: 'v1', kind: 'Event', plural: 'events', shortNames: ['ev'], namespaced: true, schema: core.event, fieldSelectors: fields('involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'), nameRule: 'path', openapiPrefix: CORE }),
  builtin({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ['all'], namespaced: true, schema: wl.deployment, subresources: ['status', 'scale'], openapiPrefix: 'io.k8s.api.apps.v1' }),
  builtin({ group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: ['all'], namespaced: true, schema: wl.replicaSet, subresources: ['status', 'scale'], fieldSelectors: fields('status.replicas'), openapiPrefix: 'io.k8s.api.apps.v1' }),
  builtin({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, schema: other.endpointSlice, fieldSelectors: fields('addressType'), openapiPrefix: 'io.k8s.api.discovery.v1' }),
  builtin({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], namespaced: true, schema: other.ingress, subresources: ['status'], openapiPrefix: 'io.k8s.api.networking.v1' }),
  builtin({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false, schema: other.ingressClass, openapiPrefix: 'io.k8s.api.networking.v1' }),
  builtin({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', shortNames: ['crd', 'crds'], categories: ['api-extensions'], namespaced: false, schema: other.customResourceDefinition, subresources: ['status'], verbs: READ_VERBS, openapiPrefix: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1' }),
  builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true, schema: rbac.role, nameRule: 'path', openapiPrefix: 'io.k8s.api.rbac.v1' }),
  builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, schema: rbac.clusterRole, nameRule: 'path', openapiPrefix: 'io.k8s.api.rbac.v1' }),
  builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, schema: rbac.roleBinding, nameRule: 'path', openapiPrefix: 'io.k8s.api.rbac.v1' }),
  builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false, schema: rbac.clusterRoleBinding, nameRule: 'path', openapiPrefix: 'io.k8s.api.rbac.v1' }),
  builtin({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'], namespaced: true, schema: rbac.networkPolicy, openapiPrefix: 'io.k8s.api.networking.v1' }),
  builtin({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: false, schema: other.selfSubjectReview, verbs: ['create'], virtual: true, openapiPrefix: 'io.k8s.api.authentication.v1' }),
  builtin({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: false, schema: other.selfSubjectRulesReview, verbs: ['create'], virtual: true, openapiPrefix: 'io.k8s.api.authorization.v1' }),
  builtin({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: false, schema: other.selfSubjectAccessReview, verbs: ['create'], virtual: true, openapiPrefix: 'io.k8s.api.authorization.v1' }),
];

function fromCrd(crd: CustomResourceDefinition): ResourceDef {
  const { group, names } = crd.spec;
  const served = crd.spec.versions.filter((v) => v.served);
  const storage = served.find((v) => v.storage) ?? served[0];
  if (!storage) throw new Error(`CRD ${crd.metadata.name} serves no version`);
  // kube-apiserver orders versions by "Kubernetes version priority"; the storage version (v1) comes first for Istio.
  const versions = sortKubeVersions(served.map((v) => v.name));
  const byName = new Map(served.map((v) => [v.name, v]));
  const reversedGroup = group.split('.').reverse().join('.');
  return {
    group,
    versions,
    storageVersion: storage.name,
    kind: names.kind,
    listKind: names.listKind || `${names.kind}List`,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: crd.spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    subresources: storage.subresources?.status ? ['status'] : [],
    key: `${group}/${names.plural}`,
    custom: true,
    crd,
    schema: (v) => byName.get(v)?.schema?.openAPIV3Schema,
    printerColumns: (v) => byName.get(v)?.additionalPrinterColumns ?? [],
    openapiName: (v) => `${reversedGroup}.${v}.${names.kind}`,
    returnDeletedObject: false,
    fieldSelectors: {},
    nameRule: 'subdomain',
  };
}

/** Orders versions as kube-apiserver does: GA > beta > alpha, higher numbers first. */
export function sortKubeVersions(vs: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  return [...vs].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
    return a.localeCompare(b);
  });
}

export class Registry {
  readonly resources: ResourceDef[];
  private readonly byGroupPlural = new Map<string, ResourceDef>();
  private readonly byKey = new Map<ResourceKey, ResourceDef>();

  constructor(crds: CustomResourceDefinition[]) {
    this.resources = [...BUILTINS, ...crds.map(fromCrd)];
    for (const r of this.resources) {
      this.byGroupPlural.set(`${r.group}/${r.plural}`, r);
      this.byKey.set(r.key, r);
    }
  }

  /** The resource served at /api(s)/{group}/{version}/…/{plural}, or undefined. */
  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    const r = this.byGroupPlural.get(`${group}/${plural}`);
    return r && r.versions.includes(version) ? r : undefined;
  }

  forKey(key: ResourceKey): ResourceDef | undefined {
    return this.byKey.get(key);
  }

  forKind(group: string, kind: string): ResourceDef | undefined {
    return this.resources.find((r) => r.group === group && r.kind === kind);
  }

  /** Groups in discovery order (core is served under /api and not listed here). */
  groups(): Array<{ name: string; versions: string[] }> {
    const order: string[] = [];
    const versions = new Map<string, Set<string>>();
    for (const r of this.resources) {
      if (!r.group) continue;
      if (!versions.has(r.group)) {
        order.push(r.group);
        versions.set(r.group, new Set());
      }
      for (const v of r.versions) versions.get(r.group)!.add(v);
    }
    return order.map((name) => ({ name, versions: sortKubeVersions([...versions.get(name)!]) }));
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.resources.filter((r) => r.group === group && r.versions.includes(version));
  }
}

let defaultRegistry: Registry | undefined;

/** The registry with the Istio CRDs loaded (built once). */
export function registry(): Registry {
  defaultRegistry ??= new Registry(istioCrds());
  return defaultRegistry;
}

export const qualifiedOf = (r: ResourceDef) => ({ group: r.group, resource: r.plural });
export const apiVersionOf = (group: string, version: string) => (group ? `${group}/${version}` : version);
