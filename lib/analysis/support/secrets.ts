/**
 * Reading TLS Secrets the way istiod does (`pilot/pkg/credentials/kube/secrets.go`
 * `ExtractCertInfo`, `pilot/pkg/xds/sds.go` `ValidateCertificate`).
 */
import type { KubeObject } from '../types';
import { isObj } from './objects';
import { pemBlocks, parseCertificate, type CertificateInfo } from './x509';

/** A Secret's values as text: `data` (base64) decoded, `stringData` as is. */
export function secretData(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(secret.data)) {
    for (const [k, v] of Object.entries(secret.data)) {
      if (typeof v !== 'string') continue;
      try {
        out[k] = new TextDecoder().decode(Uint8Array.from(atob(v.replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
      } catch {
        out[k] = '';
      }
    }
  }
  if (isObj(secret.stringData)) for (const [k, v] of Object.entries(secret.stringData)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `ExtractCertInfo`: the certificate key of a gateway credential (`cert`/`key` or `tls.crt`/`tls.key`). */
export function certificateKey(data: Record<string, string>): string | undefined {
  if (data.cert && data.key) return 'cert';
  if (data['tls.crt'] && data['tls.key']) return 'tls.crt';
  return undefined;
}

export type CertificateCheck =
  | { ok: true; key: string; certificates: CertificateInfo[] }
  | { ok: false; reason: string; key?: string };

/**
 * `isValidSecret` of the SecretAnalyzer: the Secret has a certificate and key, the first PEM
 * block parses as certificates, and (when `now` is given) each is within its validity period.
 */
export function checkGatewaySecret(secret: KubeObject, now: number | undefined): CertificateCheck {
  const data = secretData(secret);
  const key = certificateKey(data);
  if (!key) return { ok: false, reason: 'no cert/key or tls.crt/tls.key pair' };
  const block = pemBlocks(data[key]!)[0];
  if (!block) return { ok: false, reason: 'pem decode failed', key };
  let certs: CertificateInfo[];
  try {
    certs = [parseCertificate(block.der)];
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e), key };
  }
  if (now !== undefined) {
    for (const c of certs) {
      if (now > c.notAfter.getTime() || now < c.notBefore.getTime()) return { ok: false, reason: 'certificate is expired or not yet valid', key };
    }
  }
  return { ok: true, key, certificates: certs };
}
