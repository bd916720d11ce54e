/**
 * compileGatewayConfig: what the istiod stand-in pushes to one gateway pod — the Envoy v3
 * resources (LDS, RDS, CDS, EDS, SDS) pilot would generate for a router proxy from the Gateways,
 * VirtualServices, DestinationRules, Services, endpoints, Secrets and the mesh config in the store.
 */
import type { StoredObject } from '../../../api/store';
import type { EnvoyResources, XdsType } from '../../xds';
import { DEFAULT_DOMAIN_SUFFIX } from '../constants';
import type { Listener, Secret } from '../types';
import { buildClustersAndEndpoints } from './clusters';
import { ConfigIndex, type Destination } from './config-index';
import { buildGatewayRouteConfig } from './http-routes';
import { buildGatewayListeners } from './listeners';
import { buildAccessLogs, meshSettingsFrom, type MeshSettings } from './mesh-config';
import { gatewaysForPod, mergeGateways } from './merge-gateways';
import { ServiceRegistry } from './registry';
import type { RouteContext } from './route-translate';
import type { ObjectSource } from './source';
import { buildCredentialSecrets } from './tls-context';
import { subsetPolicy } from './clusters';

export { snapshotSource, type ObjectSource } from './source';
export { parseMeshConfig, ISTIO_TEXT_LOG_FORMAT, ISTIO_JSON_LOG_FORMAT, type MeshSettings } from './mesh-config';

export interface CompileGatewayInput {
  /** The sandbox Store (or `snapshotSource(objects)`): Gateways, VirtualServices, DestinationRules, Services, Endpoints/EndpointSlices, Secrets, Pods, ConfigMaps. */
  store: ObjectSource;
  /** The gateway pod this configuration is for (its labels select Gateways, its namespace scopes credentials). */
  proxyPod: StoredObject;
  /** Files mounted in the pod (path → content). Only used to report missing certificate files early; the proxy is the judge. */
  mountedFiles?: ReadonlyMap<string, string>;
  /** Mesh config; read from ConfigMap istio-system/istio (key `mesh`) when omitted. */
  mesh?: MeshSettings;
  domainSuffix?: string;
}

export interface CompileDiagnostic {
  level: 'error' | 'warning';
  /** The xDS type the problem lands in (LDS for a listener whose certificate is missing). */
  type: XdsType;
  /** Listener or resource name, when the problem is tied to one. */
  resource?: string;
  message: string;
}

export interface CompiledGatewayConfig extends EnvoyResources {
  /** What istiod would log; errors predict a NACK from the proxy. Not part of the pushed resources. */
  diagnostics: CompileDiagnostic[];
}

export function compileGatewayConfig(input: CompileGatewayInput): CompiledGatewayConfig {
  const { store: source, proxyPod } = input;
  const proxyNamespace = proxyPod.metadata.namespace ?? 'default';
  const mesh = input.mesh ?? meshSettingsFrom(source);
  const registry = new ServiceRegistry(source, input.domainSuffix ?? DEFAULT_DOMAIN_SUFFIX);
  const index = new ConfigIndex(source);
  const diagnostics: CompileDiagnostic[] = mesh.errors.map((message) => ({ level: 'warning', type: 'LDS', message }));

  const merged = mergeGateways(gatewaysForPod(source, proxyPod), proxyPod, registry);
  for (const w of merged.warnings) diagnostics.push({ level: 'warning', type: 'LDS', message: w });

  const accessLogs = buildAccessLogs(mesh);
  const warnings: string[] = [];
  const { listeners, routeNames } = buildGatewayListeners(merged, { registry, index, accessLogs, warnings });
  for (const w of warnings) diagnostics.push({ level: 'warning', type: 'LDS', message: w });

  const routeCtx: RouteContext = {
    registry,
    mesh,
    proxyLabels: proxyPod.metadata.labels ?? {},
    proxyNamespace,
    trafficPolicyFor(dest: Destination) {
      const svc = registry.service(dest.host);
      if (!svc) return undefined;
      const dr = index.destinationRuleFor(dest.host, svc.namespace, proxyNamespace, mesh.rootNamespace);
      if (!dr) return undefined;
      const port = dest.port?.number ?? (svc.ports.length === 1 ? svc.ports[0]!.port : 0);
      return subsetPolicy(dr, dr.subsets.find((s) => s.name === dest.subset), port);
    },
  };
  const routes = routeNames.sort().map((name) => buildGatewayRouteConfig(name, merged, index, routeCtx));

  const { clusters, endpoints } = buildClustersAndEndpoints({ registry, index, mesh, proxyNamespace });

  const sdsNames = referencedSecretNames(listeners);
  const { secrets, missing } = buildCredentialSecrets(sdsNames.kubernetes, source, proxyNamespace);
  for (const m of missing) {
    diagnostics.push({ level: 'error', type: 'LDS', resource: listenerUsing(listeners, m), message: `Failed to load SDS secret ${m}: secret not found in namespace ${proxyNamespace}` });
  }
  if (input.mountedFiles) {
    for (const name of sdsNames.files) {
      for (const path of filePaths(name)) {
        if (!input.mountedFiles.has(path)) {
          diagnostics.push({ level: 'error', type: 'LDS', resource: listenerUsing(listeners, name), message: `Failed to load certificate chain from ${path}` });
        }
      }
    }
  }
  return { listeners, routes, clusters, endpoints, secrets: secrets as Secret[], diagnostics };
}

/** `file-cert:/a/tls.crt~/a/tls.key` → the two paths; `file-root:/a/ca.crt` → one. */
export function filePaths(sdsName: string): string[] {
  if (sdsName.startsWith('file-cert:')) return sdsName.slice('file-cert:'.length).split('~');
  if (sdsName.startsWith('file-root:')) return [sdsName.slice('file-root:'.length)];
  return [];
}

function sdsNamesOf(l: Listener): string[] {
  const out: string[] = [];
  for (const fc of l.filter_chains) {
    const common = fc.transport_socket?.typed_config.common_tls_context;
    for (const c of common?.tls_certificate_sds_secret_configs ?? []) out.push(c.name);
    const v = common?.combined_validation_context?.validation_context_sds_secret_config;
    if (v) out.push(v.name);
  }
  return out;
}

function referencedSecretNames(listeners: Listener[]) {
  const kubernetes = new Set<string>();
  const files = new Set<string>();
  for (const l of listeners) {
    for (const n of sdsNamesOf(l)) {
      if (n.startsWith('kubernetes://')) kubernetes.add(n);
      else if (n.startsWith('file-')) files.add(n);
    }
  }
  return { kubernetes, files };
}

function listenerUsing(listeners: Listener[], sdsName: string): string | undefined {
  return listeners.find((l) => sdsNamesOf(l).includes(sdsName))?.name;
}
