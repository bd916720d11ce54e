/**
 * Downstream TLS for gateway servers (pilot's BuildListenerTLSContext) and the SDS secrets istiod
 * serves for `credentialName`. File certificates (`serverCertificate`/`privateKey`) are not read by
 * istiod: the listener names an SDS resource `file-cert:<cert>~<key>` that the pod's agent serves
 * from its mounted files (here: the proxy resolves it from ctx.files).
 */
import type { StoredObject } from '../../../api/store';
import { FILTER, RES, TYPE } from '../constants';
import type { CommonTlsContext, SdsSecretConfig, Secret, TransportSocket } from '../types';
import type { GatewayServer } from './merge-gateways';
import type { ObjectSource } from './source';

export const ALPN_HTTP = ['h2', 'http/1.1'];
export const SDS_CA_SUFFIX = '-cacert';
export const KUBERNETES_SECRET_PREFIX = 'kubernetes://';

const ADS_SDS = { ads: {}, resource_api_version: 'V3' };
const agentSds = (name: string): SdsSecretConfig => ({
  name,
  sds_config: {
    api_config_source: {
      api_type: 'GRPC',
      grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }],
      set_node_on_first_message_only: true,
      transport_api_version: 'V3',
    },
    ...(name === 'default' || name === 'ROOTCA' ? { initial_fetch_timeout: '0s' } : {}),
    resource_api_version: 'V3',
  },
});

export const toResourceName = (credentialName: string) =>
  credentialName.includes('://') ? credentialName : `${KUBERNETES_SECRET_PREFIX}${credentialName}`;

const TLS_VERSION: Record<string, string> = { TLSV1_0: 'TLSv1_0', TLSV1_1: 'TLSv1_1', TLSV1_2: 'TLSv1_2', TLSV1_3: 'TLSv1_3' };

export function buildDownstreamTlsContext(server: GatewayServer): TransportSocket | undefined {
  const t = server.tls;
  if (!t || t.mode === 'PASSTHROUGH' || t.mode === 'AUTO_PASSTHROUGH') return undefined;
  const requireClient = t.mode === 'MUTUAL' || t.mode === 'ISTIO_MUTUAL';
  const validateClient = requireClient || t.mode === 'OPTIONAL_MUTUAL';
  const common: CommonTlsContext = {};
  const tlsParams: NonNullable<CommonTlsContext['tls_params']> = {};
  if (t.minProtocolVersion && TLS_VERSION[t.minProtocolVersion]) tlsParams.tls_minimum_protocol_version = TLS_VERSION[t.minProtocolVersion];
  if (t.maxProtocolVersion && TLS_VERSION[t.maxProtocolVersion]) tlsParams.tls_maximum_protocol_version = TLS_VERSION[t.maxProtocolVersion];
  if (t.cipherSuites?.length) tlsParams.cipher_suites = t.cipherSuites;
  if (Object.keys(tlsParams).length) common.tls_params = tlsParams;
  common.alpn_protocols = ALPN_HTTP;
  const sans = (t.subjectAltNames ?? []).map((exact) => ({ exact }));
  if (t.mode === 'ISTIO_MUTUAL') {
    common.tls_certificate_sds_secret_configs = [agentSds('default')];
    common.combined_validation_context = { default_validation_context: sans.length ? { match_subject_alt_names: sans } : {}, validation_context_sds_secret_config: agentSds('ROOTCA') };
  } else if (t.credentialNames?.length || t.credentialName) {
    const names = t.credentialNames?.length ? t.credentialNames : [t.credentialName!];
    common.tls_certificate_sds_secret_configs = names.map((n) => ({ name: toResourceName(n), sds_config: ADS_SDS }));
    if (validateClient) {
      common.combined_validation_context = {
        default_validation_context: sans.length ? { match_subject_alt_names: sans } : {},
        validation_context_sds_secret_config: { name: toResourceName(names[0]!) + SDS_CA_SUFFIX, sds_config: ADS_SDS },
      };
    } else if (sans.length) common.validation_context = { match_subject_alt_names: sans };
  } else {
    const name = t.serverCertificate && t.privateKey ? `file-cert:${t.serverCertificate}~${t.privateKey}` : 'default';
    common.tls_certificate_sds_secret_configs = [agentSds(name)];
    if (validateClient) {
      common.combined_validation_context = {
        default_validation_context: sans.length ? { match_subject_alt_names: sans } : {},
        validation_context_sds_secret_config: agentSds(t.caCertificates ? `file-root:${t.caCertificates}` : 'ROOTCA'),
      };
    }
  }
  return {
    name: FILTER.tlsTransport,
    typed_config: { '@type': TYPE.downstreamTls, common_tls_context: common, require_client_certificate: requireClient },
  };
}

function secretData(s: StoredObject): Record<string, string> {
  const data = { ...((s as { data?: Record<string, string> }).data ?? {}) };
  for (const [k, v] of Object.entries((s as { stringData?: Record<string, string> }).stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  for (const k of Object.keys(data)) data[k] = data[k]!.replace(/\s+/g, '');
  return data;
}

/**
 * SDS resources for every `kubernetes://` name the listeners reference, from Secrets in the gateway
 * pod's namespace (istiod's credential controller). Names without a Secret are reported as missing.
 */
export function buildCredentialSecrets(names: Set<string>, source: ObjectSource, namespace: string): { secrets: Secret[]; missing: string[] } {
  const secrets: Secret[] = [];
  const missing: string[] = [];
  const all = source.list(RES.secrets, namespace).items;
  const find = (n: string) => all.find((s) => s.metadata.name === n);
  for (const resource of [...names].sort()) {
    if (!resource.startsWith(KUBERNETES_SECRET_PREFIX)) continue;
    let name = resource.slice(KUBERNETES_SECRET_PREFIX.length);
    if (name.includes('/')) name = name.split('/')[1]!;
    if (name.endsWith(SDS_CA_SUFFIX)) {
      const base = name.slice(0, -SDS_CA_SUFFIX.length);
      const own = find(name);
      const d = own ? secretData(own) : find(base) ? secretData(find(base)!) : undefined;
      const ca = d?.['ca.crt'] ?? d?.cacert;
      if (!ca) {
        missing.push(resource);
        continue;
      }
      secrets.push({ '@type': TYPE.secret, name: resource, validation_context: { trusted_ca: { inline_bytes: ca } } });
      continue;
    }
    const s = find(name);
    const d = s ? secretData(s) : undefined;
    const cert = d?.['tls.crt'] ?? d?.cert;
    const key = d?.['tls.key'] ?? d?.key;
    if (!cert || !key) {
      missing.push(resource);
      continue;
    }
    secrets.push({ '@type': TYPE.secret, name: resource, tls_certificate: { certificate_chain: { inline_bytes: cert }, private_key: { inline_bytes: key } } });
  }
  return { secrets, missing };
}
