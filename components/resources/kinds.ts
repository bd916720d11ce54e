/**
 * The three kinds the console edits, with what the list pages and the editors need to know
 * about each: names as Kubernetes spells them, the version the console writes, and a new
 * object to start a form from.
 */

export type EditablePlural = 'gateways' | 'virtualservices' | 'destinationrules';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
    uid?: string;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface KindInfo {
  plural: EditablePlural;
  kind: 'Gateway' | 'VirtualService' | 'DestinationRule';
  /** The version new objects are written in (objects keep the version they were read in). */
  apiVersion: string;
  /** Page title. */
  title: string;
  /** Reference page of the kind. */
  docs: string;
  /** A new, empty object of the kind, in `namespace`. */
  empty(namespace: string): KubeObject;
}

const API = 'networking.istio.io/v1';

export const KINDS: Record<EditablePlural, KindInfo> = {
  gateways: {
    plural: 'gateways',
    kind: 'Gateway',
    apiVersion: API,
    title: 'Gateways',
    docs: 'https://istio.io/latest/docs/reference/config/networking/gateway/',
    empty: (namespace) => ({
      apiVersion: API,
      kind: 'Gateway',
      metadata: { name: '', namespace },
      spec: { selector: {}, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [''] }] },
    }),
  },
  virtualservices: {
    plural: 'virtualservices',
    kind: 'VirtualService',
    apiVersion: API,
    title: 'VirtualServices',
    docs: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/',
    empty: (namespace) => ({
      apiVersion: API,
      kind: 'VirtualService',
      metadata: { name: '', namespace },
      spec: { hosts: [''], gateways: [''], http: [] },
    }),
  },
  destinationrules: {
    plural: 'destinationrules',
    kind: 'DestinationRule',
    apiVersion: API,
    title: 'DestinationRules',
    docs: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
    empty: (namespace) => ({
      apiVersion: API,
      kind: 'DestinationRule',
      metadata: { name: '', namespace },
      spec: { host: '', subsets: [] },
    }),
  },
};

export const PLURAL_OF_KIND: Record<string, EditablePlural> = {
  Gateway: 'gateways',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
};

export function isEditablePlural(p: string): p is EditablePlural {
  return p in KINDS;
}

export function editorHref(plural: EditablePlural, namespace: string, name: string): string {
  return `/${plural}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** Metadata the server owns: hidden from the YAML pane, kept on the object, never edited. */
export const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

/**
 * A copy of `obj` to start a new object from (Clone): spec, labels and annotations kept,
 * server-owned metadata and status dropped, the name suffixed.
 */
export function cloneForCreate(obj: KubeObject, apiVersion?: string): KubeObject {
  const { metadata, status: _status, ...rest } = structuredClone(obj);
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const meta: KubeObject['metadata'] = {
    name: `${metadata.name}-copy`,
    namespace: metadata.namespace,
    ...(metadata.labels ? { labels: metadata.labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  return { ...rest, apiVersion: apiVersion ?? rest.apiVersion, metadata: meta };
}

/** `3m`, `5h`, `12d`: kubectl's AGE column. */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
