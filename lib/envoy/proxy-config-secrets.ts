/**
 * `istioctl proxy-config secret` summary (istio/istio istioctl/pkg/writer/compare/sds): one row per
 * certificate Envoy holds, with its type (CA / Cert Chain), validity at `now`, serial number and
 * validity window, read from the PEM in the config dump.
 */
import type { ConfigDumpModel, SecretModel } from './config-dump';
import { ProxyConfigError, sectionMissing } from './proxy-config-errors';
import { parsePemCertificate } from './x509-lite';
import { tabwrite } from '../format/tabwriter';

export interface SecretItem {
  name: string;
  /** ACTIVE or WARMING. */
  state: string;
  /** The PEM text the row was read from ('' when none). */
  data: string;
  /** Trust domain given by a SPIFFE trust bundle, else the certificate's spiffe:// URI host. */
  trustDomain: string;
  valid: boolean;
  serialNumber: string;
  notAfter: string;
  notBefore: string;
  /** `CA` or `Cert Chain` ('' when the data is not a certificate). */
  type: string;
}

function build(name: string, state: string, data: string, trustDomain: string, now: number): SecretItem {
  const item: SecretItem = { name, state, data, trustDomain: '', valid: false, serialNumber: '', notAfter: '', notBefore: '', type: '' };
  if (data === '') return item;
  const cert = parsePemCertificate(data);
  if (!cert) return item;
  item.serialNumber = cert.serialNumber;
  item.notAfter = cert.notAfter;
  item.notBefore = cert.notBefore;
  item.type = cert.isCA ? 'CA' : 'Cert Chain';
  item.valid = now > cert.notBeforeMs && now < cert.notAfterMs;
  item.trustDomain = trustDomain !== '' ? trustDomain : (cert.spiffeTrustDomain ?? '');
  return item;
}

/**
 * istioctl's GetEnvoySecrets: warming then active dynamic secrets; the certificate chain, else the
 * trusted CA, else one item per SPIFFE trust bundle. (istioctl means to mark secrets with
 * version_info "uninitialized" as UNINITIALIZED, but its loop edits a copy, so they stay ACTIVE.)
 */
export function envoySecretItems(model: ConfigDumpModel, now: number): SecretItem[] {
  const items: SecretItem[] = [];
  const dynamic = (s: SecretModel): boolean => s.state === 'WARMING' || s.state === 'ACTIVE';
  for (const s of model.secrets.filter(dynamic)) {
    if (s.certificateChainPem) items.push(build(s.name, s.state, s.certificateChainPem, '', now));
    else if (s.trustedCaPem) items.push(build(s.name, s.state, s.trustedCaPem, '', now));
    else if (s.spiffeTrustBundles) for (const b of s.spiffeTrustBundles) items.push(build(s.raw?.name ?? s.name, s.state, b.pem, b.trustDomain, now));
    else items.push(build(s.name, s.state, '', '', now));
  }
  return items;
}

/** The secret table of `istioctl proxy-config secret` (byte for byte). */
export function renderSecretSummary(model: ConfigDumpModel, opts: { now: number; includeConfigType?: boolean }): string {
  if (!model.sections.includes('secrets')) throw new ProxyConfigError(sectionMissing('secrets'));
  if (!model.secrets.some((s) => s.state === 'ACTIVE' || s.state === 'WARMING')) return 'No active or warming secrets found.\n';
  const items = envoySecretItems(model, opts.now);
  if (items.length === 0) return 'No secret items to show.\n';
  const withTrustDomain = items.every((s) => s.trustDomain !== '');
  const columns = ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'];
  if (withTrustDomain) columns.push('TRUST DOMAIN');
  const rows = [columns.join('\t')];
  for (const s of items) {
    const cells = [opts.includeConfigType ? `secret/${s.name}` : s.name, s.type, s.state, String(s.valid), s.serialNumber, s.notAfter, s.notBefore];
    if (withTrustDomain) cells.push(s.trustDomain);
    rows.push(cells.join('\t'));
  }
  return tabwrite(rows.map((r) => `${r}\n`).join(''), { tabwidth: 5 });
}
