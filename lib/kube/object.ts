/**
 * Kubernetes objects as the console reads them: `ObjectMeta`, a generic `KubeObject`, object
 * keys (`namespace/name`), and the kinds the console watches with their API group, version and
 * plural (the names `server/kube/cache.ts` uses as snapshot keys).
 *
 * Only the fields gatescope reads are typed; everything else is kept (objects are never
 * stripped, so a round trip through the console loses nothing).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */

/** `metav1.OwnerReference`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metav1.ObjectMeta`: the fields every object has. */
export interface ObjectMeta {
  name: string;
  /** Absent for cluster-scoped objects (Node, Namespace) and for YAML files without one. */
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  /** RFC 3339 (`2026-11-22T18:44:02Z`). Istio orders Gateways and VirtualServices by it. */
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  generateName?: string;
  [field: string]: unknown;
}

/** Any Kubernetes object. `Spec`/`Status` narrow the two conventional halves. */
export interface KubeObject<Spec = unknown, Status = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  [field: string]: unknown;
}

/** A reference to one object of a known kind. */
export interface ObjectRef {
  kind: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/**
 * `namespace/name`, or `name` for an object without a namespace (Kubernetes' own
 * `cache.MetaNamespaceKeyFunc`, and Istio's `resource.FullName`).
 *
 * @example objectKey({ metadata: { name: 'counter', namespace: 'default' } }) // 'default/counter'
 */
export function objectKey(o: { metadata: { name: string; namespace?: string } } | { namespace?: string; name: string }): string {
  const m = 'metadata' in o ? o.metadata : o;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/**
 * Splits `namespace/name` (or `name`, then `defaultNamespace`) into its parts.
 *
 * @example parseObjectKey('istio-system/default-gateway') // { namespace: 'istio-system', name: 'default-gateway' }
 */
export function parseObjectKey(key: string, defaultNamespace = ''): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i >= 0 ? { namespace: key.slice(0, i), name: key.slice(i + 1) } : { namespace: defaultNamespace, name: key };
}

/** A kind the console reads: where it lives in the API. */
export interface KindInfo {
  kind: string;
  /** `''` for the core group (`/api/v1`). */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

/**
 * The kinds the console reads, keyed by kind. Istio's networking kinds are read at `v1`
 * (their storage version since Istio 1.22); objects written as `v1beta1`/`v1alpha3` have the
 * same fields.
 */
export const KINDS = {
  Gateway: { kind: 'Gateway', group: 'networking.istio.io', version: 'v1', plural: 'gateways', namespaced: true },
  VirtualService: { kind: 'VirtualService', group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', namespaced: true },
  DestinationRule: { kind: 'DestinationRule', group: 'networking.istio.io', version: 'v1', plural: 'destinationrules', namespaced: true },
  Service: { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  Endpoints: { kind: 'Endpoints', group: '', version: 'v1', plural: 'endpoints', namespaced: true },
  EndpointSlice: { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
  Pod: { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  Deployment: { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  Secret: { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true },
  ConfigMap: { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Ingress: { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true },
  Namespace: { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  Node: { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
} as const satisfies Record<string, KindInfo>;

export type KnownKind = keyof typeof KINDS;

const BY_PLURAL: ReadonlyMap<string, KindInfo> = new Map(Object.values(KINDS).map((k) => [k.plural, k]));

/** The kind a plural names (`virtualservices` → VirtualService), if the console reads it. */
export function kindByPlural(plural: string): KindInfo | undefined {
  return BY_PLURAL.get(plural);
}

/** `networking.istio.io/v1`, or `v1` for the core group. */
export function apiVersionOf(k: Pick<KindInfo, 'group' | 'version'>): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** The API group of an object's `apiVersion` (`apps/v1` → `apps`, `v1` → `''`). */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const i = apiVersion.indexOf('/');
  return i >= 0 ? apiVersion.slice(0, i) : '';
}

/**
 * Whether an object is of a kind the console reads. Checks the group as well as the kind, so the
 * Kubernetes Gateway API's `Gateway` (`gateway.networking.k8s.io`) is not taken for Istio's. An
 * object without `apiVersion` (a hand-written YAML snippet) is accepted on its kind alone.
 */
export function isKind(o: { apiVersion?: string; kind?: string }, kind: KnownKind): boolean {
  if (o.kind !== kind) return false;
  return o.apiVersion === undefined || groupOf(o.apiVersion) === KINDS[kind].group;
}
