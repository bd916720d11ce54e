/**
 * Envoy `/config_dump` → one normalized model of what the proxy holds.
 *
 * `parseConfigDump` reads the admin sections it knows (Bootstrap, Listeners, Clusters, Endpoints,
 * Routes, ScopedRoutes, Secrets) and tolerates everything else: a missing section leaves its list
 * empty, an unknown `@type` is recorded in `unknownTypes`, a malformed entry is skipped with a
 * warning. When a section appears twice the last one wins (as in istioctl).
 *
 * Field names may be snake_case (as Envoy prints them) or lowerCamelCase (protobuf's JSON
 * mapping, accepted by istioctl too); the model and every `raw` object are snake_case.
 *
 * Lists come in istioctl's order: dynamic before static (routes, clusters, listeners, endpoints),
 * warming secrets before active ones. Each entry keeps its raw Envoy object (`raw`).
 *
 * Raw Envoy types: ./config-dump-types. Lookups for drift checks: ./config-query.
 */
import {
  ADMIN_TYPES,
  type BootstrapConfigDump,
  type ClustersConfigDump,
  type DataSource,
  type EndpointsConfigDump,
  type EnvoyAny,
  type EnvoyConfigDump,
  type EnvoyNode,
  type EnvoySecret,
  type ListenersConfigDump,
  type RoutesConfigDump,
  type ScopedRoutesConfigDump,
  type SecretsConfigDump,
} from './config-dump-types';
import { normalizeCluster, normalizeClusterEndpoints, type ClusterEndpointsModel, type ClusterModel } from './cluster-model';
import { normalizeListener, type ListenerModel } from './listener-model';
import { normalizeRouteConfig, type RouteConfigModel } from './route-model';
import { hasCamelCaseFields, toSnakeCaseFields } from './proto-names';

export * from './config-dump-types';
export { parseClusterName, goAtoi, type ParsedClusterName, type ClusterModel, type ClusterEndpointsModel, type EndpointModel } from './cluster-model';
export type { ListenerModel, FilterChainModel, FilterChainMatchModel, ListenerState } from './listener-model';
export type {
  RouteConfigModel,
  VirtualHostModel,
  RouteModel,
  RouteMatchModel,
  RouteActionModel,
  HeaderMatchModel,
  QueryParamMatchModel,
  WeightedClusterModel,
  IstioConfigRef,
} from './route-model';
export { parseIstioConfigPath, routeDestinations } from './route-model';

export type SectionName = keyof typeof ADMIN_TYPES;

export interface BootstrapModel {
  nodeId?: string;
  nodeCluster?: string;
  /** Parsed Istio node id `type~ip~pod.namespace~namespace.svc.cluster.local`. */
  proxyType?: string;
  ipAddress?: string;
  podName?: string;
  namespace?: string;
  /** node.metadata.ISTIO_VERSION */
  istioVersion?: string;
  /** node.metadata.ISTIO_PROXY_SHA, the part after ':' as istioctl shows it. */
  istioProxySha?: string;
  /** Envoy's version as istioctl prints it: `1.30.1-dev/Clean/RELEASE/BoringSSL` or `0.0.0`. */
  envoyVersion: string;
  /** node.metadata (a Struct), as printed. */
  nodeMetadata: Record<string, unknown>;
  lastUpdated?: string;
  raw: BootstrapConfigDump;
}

export interface SecretModel {
  name: string;
  /** `ACTIVE` / `WARMING` (dynamic), `STATIC`. */
  state: 'ACTIVE' | 'WARMING' | 'STATIC';
  versionInfo?: string;
  lastUpdated?: string;
  kind: 'tls_certificate' | 'validation_context' | 'session_ticket_keys' | 'generic_secret' | 'unknown';
  /** PEM text of `tls_certificate.certificate_chain` when inline. */
  certificateChainPem?: string;
  /** PEM text of `validation_context.trusted_ca` when inline. */
  trustedCaPem?: string;
  /** SPIFFE trust bundles (`SPIFFECertValidatorConfig`): one per trust domain. */
  spiffeTrustBundles?: Array<{ trustDomain: string; pem: string }>;
  raw: EnvoySecret | undefined;
}

export interface ScopedRoutesModel {
  name: string;
  source: 'inline' | 'dynamic';
  scopes: EnvoyAny[];
}

export interface ConfigDumpModel {
  bootstrap?: BootstrapModel;
  listeners: ListenerModel[];
  routeConfigs: RouteConfigModel[];
  clusters: ClusterModel[];
  endpoints: ClusterEndpointsModel[];
  secrets: SecretModel[];
  scopedRoutes: ScopedRoutesModel[];
  /** Admin sections present in the dump. */
  sections: SectionName[];
  /** `@type`s of `configs[]` entries this parser does not read. */
  unknownTypes: string[];
  /** Entries skipped because they were malformed. */
  warnings: string[];
  raw: EnvoyConfigDump;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = <T = unknown>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
/** The object elements of a typed list (tolerates a missing or malformed list). */
const list = <T,>(v: readonly T[] | undefined): T[] => (Array.isArray(v) ? (v as T[]).filter((x) => isObj(x)) : []);
/** A typed optional object that is really an object. */
const has = <T,>(v: T | undefined): v is T => isObj(v);

/** The last section of a type (istioctl's getSection). */
export function getSection<T extends EnvoyAny>(dump: EnvoyConfigDump, section: SectionName): T | undefined {
  let found: T | undefined;
  for (const c of arr<EnvoyAny>(dump.configs)) if (isObj(c) && c['@type'] === ADMIN_TYPES[section]) found = c as T;
  return found;
}

function envoyVersion(node: EnvoyNode | undefined): string {
  const bv = node?.user_agent_build_version;
  const v = bv?.version;
  let s = `${v?.major_number ?? 0}.${v?.minor_number ?? 0}.${v?.patch ?? 0}`;
  const md = isObj(bv?.metadata) ? bv.metadata : {};
  const sv = (k: string): string => (typeof md[k] === 'string' ? (md[k] as string) : '');
  if ('build.label' in md) s += `-${sv('build.label')}`;
  if ('revision.status' in md) s += `/${sv('revision.status')}`;
  if ('build.type' in md) s += `/${sv('build.type')}`;
  if ('ssl.version' in md) s += `/${sv('ssl.version')}`;
  return s;
}

function parseBootstrap(b: BootstrapConfigDump): BootstrapModel {
  const node = isObj(b.bootstrap?.node) ? b.bootstrap.node : undefined;
  const md = isObj(node?.metadata) ? node.metadata : {};
  const model: BootstrapModel = {
    nodeId: node?.id,
    nodeCluster: node?.cluster,
    istioVersion: str(md['ISTIO_VERSION']),
    envoyVersion: envoyVersion(node),
    nodeMetadata: md,
    lastUpdated: b.last_updated,
    raw: b,
  };
  const sha = str(md['ISTIO_PROXY_SHA']);
  if (sha !== undefined) {
    const parts = sha.split(':');
    model.istioProxySha = parts.length > 1 ? parts[1] : sha;
  }
  const id = node?.id?.split('~');
  if (id && id.length === 4) {
    model.proxyType = id[0];
    model.ipAddress = id[1];
    const podNs = id[2] ?? '';
    const dot = podNs.lastIndexOf('.');
    if (dot > 0) {
      model.podName = podNs.slice(0, dot);
      model.namespace = podNs.slice(dot + 1);
    }
  }
  return model;
}

/** Text of an inline DataSource (`inline_bytes` is base64). */
export function dataSourceText(ds: DataSource | undefined): string | undefined {
  if (!ds) return undefined;
  if (typeof ds.inline_string === 'string') return ds.inline_string;
  if (typeof ds.inline_bytes === 'string') {
    try {
      return atob(ds.inline_bytes);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function parseSecret(name: string | undefined, secret: EnvoySecret | undefined, state: SecretModel['state'], extra: { versionInfo?: string; lastUpdated?: string }): SecretModel {
  const s = isObj(secret) ? secret : undefined;
  const model: SecretModel = {
    name: name ?? s?.name ?? '',
    state,
    versionInfo: extra.versionInfo,
    lastUpdated: extra.lastUpdated,
    kind: s?.tls_certificate ? 'tls_certificate' : s?.validation_context ? 'validation_context' : s?.session_ticket_keys ? 'session_ticket_keys' : s?.generic_secret ? 'generic_secret' : 'unknown',
    raw: s,
  };
  model.certificateChainPem = dataSourceText(s?.tls_certificate?.certificate_chain);
  model.trustedCaPem = dataSourceText(s?.validation_context?.trusted_ca);
  const cv = s?.validation_context?.custom_validator_config?.typed_config;
  if (isObj(cv) && cv['@type'] === 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig') {
    model.spiffeTrustBundles = arr(cv['trust_domains'])
      .filter(isObj)
      .map((td) => ({ trustDomain: str(td['name']) ?? '', pem: dataSourceText(isObj(td['trust_bundle']) ? (td['trust_bundle'] as DataSource) : undefined) ?? '' }));
  }
  return model;
}

/**
 * Parses an Envoy `/config_dump` (the JSON text or the parsed value) into the normalized model.
 * Never throws on content; throws only when `json` is a string that is not JSON.
 */
export function parseConfigDump(json: unknown): ConfigDumpModel {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  let dump: EnvoyConfigDump = isObj(value) ? (value as EnvoyConfigDump) : {};
  // Envoy prints snake_case; protobuf's JSON mapping (istioctl's test data, some tools) uses
  // lowerCamelCase. Sections in that form are renamed so the rest reads one shape.
  if (Array.isArray(dump.configs) && dump.configs.some((c) => hasCamelCaseFields(c))) {
    dump = { ...dump, configs: dump.configs.map((c) => (hasCamelCaseFields(c) ? (toSnakeCaseFields(c) as EnvoyAny) : c)) };
  }
  const model: ConfigDumpModel = {
    listeners: [],
    routeConfigs: [],
    clusters: [],
    endpoints: [],
    secrets: [],
    scopedRoutes: [],
    sections: [],
    unknownTypes: [],
    warnings: [],
    raw: dump,
  };
  const known = new Map<string, SectionName>(Object.entries(ADMIN_TYPES).map(([k, v]) => [v, k as SectionName]));
  for (const c of arr(dump.configs)) {
    const t = isObj(c) ? str(c['@type']) : undefined;
    if (t === undefined) {
      model.warnings.push('configs[] entry without @type');
      continue;
    }
    const section = known.get(t);
    if (section === undefined) model.unknownTypes.push(t);
    else if (!model.sections.includes(section)) model.sections.push(section);
  }

  const bootstrap = getSection<BootstrapConfigDump>(dump, 'bootstrap');
  if (bootstrap) model.bootstrap = parseBootstrap(bootstrap);

  const listeners = getSection<ListenersConfigDump>(dump, 'listeners');
  if (listeners) {
    for (const dl of list(listeners.dynamic_listeners)) {
            const states = [
        ['active', dl.active_state],
        ['warming', dl.warming_state],
        ['draining', dl.draining_state],
      ] as const;
      let any = false;
      for (const [state, st] of states) {
        if (!has(st) || !has(st.listener)) continue;
        any = true;
        model.listeners.push(
          normalizeListener(st.listener, 'dynamic', state, { versionInfo: st.version_info, lastUpdated: st.last_updated, errorState: dl.error_state, name: dl.name }),
        );
      }
      if (!any && dl.error_state) model.warnings.push(`listener ${dl.name ?? ''} has only an error state: ${dl.error_state.details ?? ''}`);
    }
    for (const sl of list(listeners.static_listeners)) {
      if (has(sl.listener)) model.listeners.push(normalizeListener(sl.listener, 'static', 'active', { lastUpdated: sl.last_updated }));
    }
  }

  const routes = getSection<RoutesConfigDump>(dump, 'routes');
  if (routes) {
    for (const r of list(routes.dynamic_route_configs)) {
      if (has(r.route_config)) model.routeConfigs.push(normalizeRouteConfig(r.route_config, 'dynamic', { versionInfo: r.version_info, lastUpdated: r.last_updated }));
    }
    for (const r of list(routes.static_route_configs)) {
      if (has(r.route_config)) model.routeConfigs.push(normalizeRouteConfig(r.route_config, 'static', { lastUpdated: r.last_updated }));
    }
  }

  const scoped = getSection<ScopedRoutesConfigDump>(dump, 'scopedRoutes');
  if (scoped) {
    for (const s of list(scoped.inline_scoped_route_configs)) model.scopedRoutes.push({ name: s.name ?? '', source: 'inline', scopes: arr(s.scoped_route_configs) });
    for (const s of list(scoped.dynamic_scoped_route_configs)) model.scopedRoutes.push({ name: s.name ?? '', source: 'dynamic', scopes: arr(s.scoped_route_configs) });
  }

  const clusters = getSection<ClustersConfigDump>(dump, 'clusters');
  if (clusters) {
    for (const c of list(clusters.dynamic_active_clusters)) {
      if (has(c.cluster)) model.clusters.push(normalizeCluster(c.cluster, 'dynamic', 'active', { versionInfo: c.version_info, lastUpdated: c.last_updated }));
    }
    for (const c of list(clusters.static_clusters)) {
      if (has(c.cluster)) model.clusters.push(normalizeCluster(c.cluster, 'static', 'active', { lastUpdated: c.last_updated }));
    }
    for (const c of list(clusters.dynamic_warming_clusters)) {
      if (has(c.cluster)) model.clusters.push(normalizeCluster(c.cluster, 'dynamic', 'warming', { versionInfo: c.version_info, lastUpdated: c.last_updated }));
    }
  }

  const endpoints = getSection<EndpointsConfigDump>(dump, 'endpoints');
  if (endpoints) {
    for (const e of list(endpoints.dynamic_endpoint_configs)) if (has(e.endpoint_config)) model.endpoints.push(normalizeClusterEndpoints(e.endpoint_config, 'dynamic'));
    for (const e of list(endpoints.static_endpoint_configs)) if (has(e.endpoint_config)) model.endpoints.push(normalizeClusterEndpoints(e.endpoint_config, 'static'));
  }

  const secrets = getSection<SecretsConfigDump>(dump, 'secrets');
  if (secrets) {
    for (const s of list(secrets.dynamic_warming_secrets)) model.secrets.push(parseSecret(s.name, s.secret, 'WARMING', { versionInfo: s.version_info, lastUpdated: s.last_updated }));
    for (const s of list(secrets.dynamic_active_secrets)) model.secrets.push(parseSecret(s.name, s.secret, 'ACTIVE', { versionInfo: s.version_info, lastUpdated: s.last_updated }));
    for (const s of list(secrets.static_secrets)) model.secrets.push(parseSecret(s.name, s.secret, 'STATIC', { lastUpdated: s.last_updated }));
  }
  return model;
}
