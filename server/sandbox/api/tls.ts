/**
 * Certificates for the sandbox API server: a CA generated at start (written into the kubeconfig as
 * `certificate-authority-data`) and a server certificate it signs for the loopback names.
 * ECDSA P-256 keeps generation in the low milliseconds.
 */
import './reflect-shim';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const ALG: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  /** PEM of the CA certificate (what clients trust). */
  certPem: string;
  /** PEM (PKCS#8) of the CA private key. */
  keyPem: string;
  /** Parsed certificate and keys, used to sign leaf certificates. */
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface CertOptions {
  commonName?: string;
  validDays?: number;
  /** Defaults to now; tests pass a fixed date. */
  now?: Date;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  // Positive 16-byte serial number (leading nibble < 8).
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f;
  return Buffer.from(b).toString('hex');
}

/** A fresh self-signed CA for one sandbox run. */
export async function generateCa(opts: CertOptions = {}): Promise<CertificateAuthority> {
  const now = opts.now ?? new Date();
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${opts.commonName ?? 'gatescope-sandbox-ca'}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (opts.validDays ?? 365) * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey), cert, keys };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A server certificate signed by `ca` for the given DNS names and IP addresses. */
export async function issueServerCert(ca: CertificateAuthority, hosts: string[], opts: CertOptions = {}): Promise<IssuedCert> {
  const now = opts.now ?? new Date();
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: x509.JsonGeneralName[] = hosts.map((h) =>
    IPV4.test(h) || h.includes(':') ? { type: 'ip', value: h } : { type: 'dns', value: h },
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${opts.commonName ?? hosts[0] ?? 'gatescope-sandbox'}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (opts.validDays ?? 365) * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}
