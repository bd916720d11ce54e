/**
 * Validating a push the way Envoy validates xDS updates, and the resulting immutable "applied
 * config" the proxy routes by. Everything that can fail (TLS material, regexes, duplicate names,
 * duplicate filter chain matches) is checked here, before anything is swapped in.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { EnvoyResources, XdsPush, XdsType } from '../../xds';
import { FILTER } from '../constants';
import { parseDurationMs } from '../duration';
import type { Cluster, ClusterLoadAssignment, FilterChain, HttpConnectionManager, Listener, RouteConfiguration, Secret, TcpProxy } from '../types';
import { compileRouteConfig, type CompiledRouteConfig } from './route-table';

export interface ResourceMeta {
  versionInfo: string;
  lastUpdated: Date;
  hash: string;
}

export interface ResolvedSecret {
  name: string;
  /** How the dump shows it (private key redacted at dump time). */
  secret: Secret;
  cert?: string;
  key?: string;
  ca?: string;
  versionInfo: string;
  lastUpdated: Date;
}

export interface RuntimeChain {
  index: number;
  config: FilterChain;
  serverNames?: string[];
  tls?: { context: SecureContext; requireClientCert: boolean; alpn: string[] };
  /**
   * An SDS certificate (credentialName) that istiod has not got: Envoy accepts the listener and
   * keeps waiting for the secret, so TLS handshakes that select this chain fail (the
   * troubleshooting scenario's missing Secret). File certificates that cannot be read are a NACK.
   */
  tlsUnavailable?: string;
  hcm?: HttpConnectionManager;
  tcp?: TcpProxy;
}

export interface RuntimeListener {
  name: string;
  port: number;
  config: Listener;
  chains: RuntimeChain[];
  inspector: boolean;
}

export interface AppliedConfig {
  version: string;
  nonces: Record<XdsType, string>;
  appliedAt: Date;
  listeners: Map<string, RuntimeListener>;
  routes: Map<string, CompiledRouteConfig>;
  clusters: Map<string, Cluster>;
  endpoints: Map<string, ClusterLoadAssignment>;
  secrets: Map<string, ResolvedSecret>;
  meta: { listeners: Map<string, ResourceMeta>; routes: Map<string, ResourceMeta>; clusters: Map<string, ResourceMeta>; endpoints: Map<string, ResourceMeta> };
  typeVersions: Record<'CDS' | 'LDS' | 'RDS' | 'EDS' | 'SDS', string>;
}

export class ConfigRejected extends Error {
  constructor(
    readonly type: XdsType,
    message: string,
    /** Listener name → error, for the listeners' error_state in /config_dump. */
    readonly listenerErrors: Map<string, string> = new Map(),
  ) {
    super(message);
  }
}

const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);

function dataSource(d: { inline_bytes?: string; inline_string?: string; filename?: string } | undefined, files: ReadonlyMap<string, string>): string | undefined {
  if (!d) return undefined;
  if (d.inline_bytes !== undefined) return b64(d.inline_bytes);
  if (d.inline_string !== undefined) return d.inline_string;
  if (d.filename) return files.get(d.filename);
  return undefined;
}

function metaFor(prev: Map<string, ResourceMeta> | undefined, name: string, obj: unknown, version: string, now: Date): ResourceMeta {
  const hash = JSON.stringify(obj);
  const old = prev?.get(name);
  if (old && old.hash === hash) return old;
  return { versionInfo: version, lastUpdated: now, hash };
}

export interface ValidateOptions {
  files: ReadonlyMap<string, string>;
  previous?: AppliedConfig;
  now: Date;
}

/** Resolves one SDS secret name: pushed SDS resources, or the agent's file-cert/file-root from the pod's files. */
function resolveSecret(name: string, pushed: Map<string, Secret>, opts: ValidateOptions, version: string): ResolvedSecret {
  const prev = opts.previous?.secrets.get(name);
  if (name.startsWith('file-cert:')) {
    const [certPath, keyPath] = name.slice('file-cert:'.length).split('~') as [string, string | undefined];
    const cert = opts.files.get(certPath);
    if (cert === undefined) throw new Error(`Failed to load certificate chain from ${certPath}`);
    const key = keyPath ? opts.files.get(keyPath) : undefined;
    if (key === undefined) throw new Error(`Failed to load private key from ${keyPath ?? '<none>'}`);
    const secret: Secret = {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
      name,
      tls_certificate: { certificate_chain: { inline_bytes: Buffer.from(cert).toString('base64') }, private_key: { inline_bytes: Buffer.from(key).toString('base64') } },
    };
    const same = prev && prev.cert === cert && prev.key === key;
    return { name, secret, cert, key, versionInfo: same ? prev.versionInfo : opts.now.toISOString(), lastUpdated: same ? prev.lastUpdated : opts.now };
  }
  if (name.startsWith('file-root:')) {
    const path = name.slice('file-root:'.length);
    const ca = opts.files.get(path);
    if (ca === undefined) throw new Error(`Failed to load trusted CA certificates from ${path}`);
    const secret: Secret = { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', name, validation_context: { trusted_ca: { inline_bytes: Buffer.from(ca).toString('base64') } } };
    const same = prev && prev.ca === ca;
    return { name, secret, ca, versionInfo: same ? prev.versionInfo : opts.now.toISOString(), lastUpdated: same ? prev.lastUpdated : opts.now };
  }
  const s = pushed.get(name);
  if (!s) throw new Error(`Failed to load SDS secret ${name}: secret not found`);
  const cert = dataSource(s.tls_certificate?.certificate_chain, opts.files);
  const key = dataSource(s.tls_certificate?.private_key, opts.files);
  const ca = dataSource(s.validation_context?.trusted_ca, opts.files);
  const same = prev && JSON.stringify(prev.secret) === JSON.stringify(s);
  return { name, secret: s, cert, key, ca, versionInfo: same ? prev.versionInfo : version, lastUpdated: same ? prev.lastUpdated : opts.now };
}

function buildChain(l: Listener, fc: FilterChain, index: number, pushedSecrets: Map<string, Secret>, secrets: Map<string, ResolvedSecret>, opts: ValidateOptions, version: string): RuntimeChain {
  const chain: RuntimeChain = { index, config: fc };
  if (fc.filter_chain_match?.server_names?.length) chain.serverNames = fc.filter_chain_match.server_names.map((s) => s.toLowerCase());
  const terminal = fc.filters[fc.filters.length - 1];
  if (!terminal) throw new Error(`Error adding/updating listener(s) ${l.name}: filter chain ${index} has no filters`);
  if (terminal.name === FILTER.hcm) chain.hcm = terminal.typed_config as HttpConnectionManager;
  else if (terminal.name === FILTER.tcpProxy) chain.tcp = terminal.typed_config as TcpProxy;
  else throw new Error(`Error adding/updating listener(s) ${l.name}: Didn't find a registered implementation for '${terminal.name}' with type URL: '${terminal.typed_config['@type']}'`);
  if (chain.tcp && !chain.tcp.cluster && !chain.tcp.weighted_clusters?.clusters?.length) {
    throw new Error(`Error adding/updating listener(s) ${l.name}: tcp_proxy: no cluster specifier`);
  }
  const ts = fc.transport_socket;
  if (ts && ts.name === FILTER.tlsTransport) {
    const common = ts.typed_config.common_tls_context ?? {};
    const missingSds = (common.tls_certificate_sds_secret_configs ?? []).find((c) => !c.name.startsWith('file-') && !secrets.has(c.name) && !pushedSecrets.has(c.name));
    if (missingSds) {
      chain.tlsUnavailable = `SDS secret ${missingSds.name} not found: no certificate to present`;
      return chain;
    }
    try {
      let cert: string | undefined;
      let key: string | undefined;
      for (const c of common.tls_certificate_sds_secret_configs ?? []) {
        const rs = secrets.get(c.name) ?? resolveSecret(c.name, pushedSecrets, opts, version);
        secrets.set(c.name, rs);
        cert ??= rs.cert;
        key ??= rs.key;
      }
      if (!cert || !key) throw new Error('No TLS certificate configured');
      let ca: string | undefined;
      const v = common.combined_validation_context?.validation_context_sds_secret_config;
      if (v) {
        const rs = secrets.get(v.name) ?? resolveSecret(v.name, pushedSecrets, opts, version);
        secrets.set(v.name, rs);
        ca = rs.ca;
      }
      const requireClientCert = !!ts.typed_config.require_client_certificate;
      let context: SecureContext;
      try {
        context = createSecureContext({ cert, key, ca, minVersion: tlsVersion(common.tls_params?.tls_minimum_protocol_version) ?? 'TLSv1.2' });
      } catch (err) {
        throw new Error(`Failed to load certificate chain: ${(err as Error).message}`);
      }
      chain.tls = { context, requireClientCert, alpn: common.alpn_protocols ?? [] };
    } catch (err) {
      throw new Error(`Error adding/updating listener(s) ${l.name}: ${(err as Error).message}`);
    }
  }
  return chain;
}

function tlsVersion(v: string | undefined): 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | undefined {
  switch (v) {
    case 'TLSv1_0':
      return 'TLSv1';
    case 'TLSv1_1':
      return 'TLSv1.1';
    case 'TLSv1_2':
      return 'TLSv1.2';
    case 'TLSv1_3':
      return 'TLSv1.3';
    default:
      return undefined;
  }
}

function matchKey(fc: FilterChain): string {
  return JSON.stringify({ sn: [...(fc.filter_chain_match?.server_names ?? [])].sort(), tp: fc.filter_chain_match?.transport_protocol ?? '', ap: fc.filter_chain_match?.application_protocols ?? [] });
}

/** Validates a push and builds the config to swap in. Throws ConfigRejected (never partially applies). */
export function validatePush(push: XdsPush, opts: ValidateOptions): AppliedConfig {
  const res: EnvoyResources = JSON.parse(JSON.stringify(push.resources));
  const version = push.version;
  const prev = opts.previous;
  const now = opts.now;

  // CDS
  const clusters = new Map<string, Cluster>();
  for (const c of res.clusters as Cluster[]) {
    if (!c?.name) throw new ConfigRejected('CDS', 'Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters)');
    if (clusters.has(c.name)) throw new ConfigRejected('CDS', `duplicate cluster ${c.name} found`);
    if (c.connect_timeout !== undefined && parseDurationMs(c.connect_timeout) === undefined) {
      throw new ConfigRejected('CDS', `Error adding/updating cluster(s) ${c.name}: invalid connect_timeout ${c.connect_timeout}`);
    }
    clusters.set(c.name, c);
  }
  // EDS
  const endpoints = new Map<string, ClusterLoadAssignment>();
  for (const e of res.endpoints as ClusterLoadAssignment[]) {
    if (!e?.cluster_name) throw new ConfigRejected('EDS', 'ClusterLoadAssignment without cluster_name');
    endpoints.set(e.cluster_name, e);
  }
  // RDS
  const routes = new Map<string, CompiledRouteConfig>();
  for (const r of res.routes as RouteConfiguration[]) {
    if (!r?.name) throw new ConfigRejected('RDS', 'RouteConfiguration without name');
    try {
      routes.set(r.name, compileRouteConfig(r));
    } catch (err) {
      throw new ConfigRejected('RDS', (err as Error).message);
    }
  }
  // SDS (pushed) + LDS
  const pushedSecrets = new Map<string, Secret>();
  for (const s of res.secrets as Secret[]) if (s?.name) pushedSecrets.set(s.name, s);
  const secrets = new Map<string, ResolvedSecret>();
  for (const [name] of pushedSecrets) {
    try {
      secrets.set(name, resolveSecret(name, pushedSecrets, opts, version));
    } catch (err) {
      throw new ConfigRejected('SDS', (err as Error).message);
    }
  }
  const listeners = new Map<string, RuntimeListener>();
  const ports = new Map<number, string>();
  const listenerErrors = new Map<string, string>();
  for (const l of res.listeners as Listener[]) {
    try {
      if (!l?.name) throw new Error('Error adding/updating listener(s) : listener name must not be empty');
      if (listeners.has(l.name)) throw new Error(`Error adding/updating listener(s) ${l.name}: duplicate listener ${l.name} found`);
      const port = l.address?.socket_address?.port_value;
      if (!Number.isInteger(port)) throw new Error(`Error adding/updating listener(s) ${l.name}: listener has no socket address`);
      if (ports.has(port)) throw new Error(`Error adding/updating listener(s) ${l.name}: error adding listener: '${l.name}' has duplicate address '0.0.0.0:${port}' as existing listener`);
      if (!l.filter_chains?.length) throw new Error(`Error adding/updating listener(s) ${l.name}: no filter chains specified`);
      const seen = new Set<string>();
      for (const fc of l.filter_chains) {
        const k = matchKey(fc);
        if (seen.has(k)) {
          throw new Error(`Error adding/updating listener(s) ${l.name}: error adding listener '${l.name}': multiple filter chains with the same matching rules are defined`);
        }
        seen.add(k);
      }
      const chains = l.filter_chains.map((fc, i) => buildChain(l, fc, i, pushedSecrets, secrets, opts, version));
      listeners.set(l.name, { name: l.name, port, config: l, chains, inspector: !!l.listener_filters?.some((f) => f.name === FILTER.tlsInspector) });
      ports.set(port, l.name);
    } catch (err) {
      listenerErrors.set(l?.name ?? '', (err as Error).message);
    }
  }
  if (listenerErrors.size > 0) throw new ConfigRejected('LDS', [...listenerErrors.values()].join('\n'), listenerErrors);

  const m = (kind: keyof AppliedConfig['meta'], name: string, obj: unknown) => metaFor(prev?.meta[kind], name, obj, version, now);
  return {
    version,
    nonces: push.nonces,
    appliedAt: now,
    listeners,
    routes,
    clusters,
    endpoints,
    secrets,
    meta: {
      listeners: new Map([...listeners.values()].map((l) => [l.name, m('listeners', l.name, l.config)])),
      routes: new Map([...routes.values()].map((r) => [r.config.name, m('routes', r.config.name, r.config)])),
      clusters: new Map([...clusters.values()].map((c) => [c.name, m('clusters', c.name, c)])),
      endpoints: new Map([...endpoints.values()].map((e) => [e.cluster_name, m('endpoints', e.cluster_name, e)])),
    },
    typeVersions: { CDS: version, LDS: version, RDS: version, EDS: version, SDS: version },
  };
}
