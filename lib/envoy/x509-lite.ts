/**
 * Just enough X.509 (DER) reading for `istioctl proxy-config secret`: serial number, validity,
 * whether the certificate is a CA (basicConstraints) and its URI SANs (SPIFFE ids). No signature
 * checks: this describes what Envoy holds, it does not validate it.
 */

export interface CertificateSummary {
  /** Hex, lower case, zero-padded to 32 digits as istioctl prints it (`%032x`). */
  serialNumber: string;
  /** RFC 3339, UTC, second precision (`2033-05-02T03:41:33Z`). */
  notBefore: string;
  notAfter: string;
  notBeforeMs: number;
  notAfterMs: number;
  isCA: boolean;
  uris: string[];
  /** Host of the first `spiffe://` URI SAN (the trust domain), as istioctl takes it. */
  spiffeTrustDomain?: string;
}

interface Tlv {
  tag: number;
  start: number; // content start
  end: number; // content end
}

function readTlv(der: Uint8Array, pos: number): Tlv {
  if (pos + 2 > der.length) throw new Error('truncated DER');
  const tag = der[pos]!;
  let len = der[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p + i]!;
    p += n;
  }
  if (p + len > der.length) throw new Error('truncated DER');
  return { tag, start: p, end: p + len };
}

function children(der: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = readTlv(der, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(der: Uint8Array, t: Tlv): string {
  const bytes = der.subarray(t.start, t.end);
  if (bytes.length === 0) return '';
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function ascii(der: Uint8Array, t: Tlv): string {
  let s = '';
  for (let i = t.start; i < t.end; i++) s += String.fromCharCode(der[i]!);
  return s;
}

function parseTime(der: Uint8Array, t: Tlv): number {
  const s = ascii(der, t);
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  if (t.tag === 0x17) {
    // UTCTime YYMMDDHHMM[SS]Z
    m = /^(\d{2})(\d{10,12})Z$/.exec(s);
    if (!m) throw new Error(`bad UTCTime ${s}`);
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = m[2]!;
  } else if (t.tag === 0x18) {
    m = /^(\d{4})(\d{10})(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new Error(`bad GeneralizedTime ${s}`);
    year = Number(m[1]);
    rest = m[2]!;
  } else {
    throw new Error('not a time');
  }
  const n = (i: number): number => Number(rest.slice(i, i + 2) || '0');
  const ms = Date.UTC(year, n(0) - 1, n(2), n(4), n(6), n(8));
  if (year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(year);
    return d.getTime();
  }
  return ms;
}

/** Go's `time.Format(time.RFC3339)` of a UTC time with whole seconds. */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function serialHex(der: Uint8Array, t: Tlv): string {
  let hex = '';
  for (let i = t.start; i < t.end; i++) hex += der[i]!.toString(16).padStart(2, '0');
  hex = hex.replace(/^0+/, '');
  return (hex || '0').padStart(32, '0');
}

/** Decodes standard base64 (whitespace ignored) into bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The DER bytes of the first `CERTIFICATE` (any PEM type, like Go's pem.Decode) block in `pem`. */
export function firstPemBlock(pem: string): Uint8Array | undefined {
  const m = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) return undefined;
  // Skip PEM headers ("Key: value" lines), as Go does.
  const body = m[2]!
    .split(/\r?\n/)
    .filter((l) => !l.includes(':'))
    .join('');
  try {
    return base64ToBytes(body);
  } catch {
    return undefined;
  }
}

/** Reads the fields istioctl shows from one DER certificate. Throws on malformed input. */
export function parseCertificate(der: Uint8Array): CertificateSummary {
  const cert = readTlv(der, 0);
  const [tbs] = children(der, cert);
  if (!tbs || tbs.tag !== 0x30) throw new Error('not a certificate');
  const fields = children(der, tbs);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] version
  const serial = fields[i++];
  i++; // signature algorithm
  i++; // issuer
  const validity = fields[i++];
  i++; // subject
  i++; // subjectPublicKeyInfo
  if (!serial || serial.tag !== 0x02 || !validity) throw new Error('not a certificate');
  const [nb, na] = children(der, validity);
  if (!nb || !na) throw new Error('bad validity');
  const notBeforeMs = parseTime(der, nb);
  const notAfterMs = parseTime(der, na);

  let isCA = false;
  const uris: string[] = [];
  for (const f of fields.slice(i)) {
    if (f.tag !== 0xa3) continue; // [3] extensions
    const [exts] = children(der, f);
    if (!exts) continue;
    for (const ext of children(der, exts)) {
      const parts = children(der, ext);
      const id = parts[0] ? oid(der, parts[0]) : '';
      const value = parts[parts.length - 1];
      if (!value || value.tag !== 0x04) continue;
      const inner = readTlv(der, value.start);
      if (id === '2.5.29.19') {
        const bc = children(der, inner);
        if (bc[0]?.tag === 0x01) isCA = der[bc[0].start] !== 0;
      } else if (id === '2.5.29.17') {
        for (const gn of children(der, inner)) if (gn.tag === 0x86) uris.push(ascii(der, gn));
      }
    }
  }
  let spiffeTrustDomain: string | undefined;
  for (const u of uris) {
    const m = /^spiffe:\/\/([^/?#]*)/i.exec(u);
    // Go keeps the last spiffe URI's host.
    if (m) spiffeTrustDomain = m[1];
  }
  return {
    serialNumber: serialHex(der, serial),
    notBefore: formatRfc3339(notBeforeMs),
    notAfter: formatRfc3339(notAfterMs),
    notBeforeMs,
    notAfterMs,
    isCA,
    uris,
    spiffeTrustDomain,
  };
}

/** Parses the first certificate of a PEM bundle; undefined when there is none or it is malformed. */
export function parsePemCertificate(pem: string): CertificateSummary | undefined {
  const der = firstPemBlock(pem);
  if (!der) return undefined;
  try {
    return parseCertificate(der);
  } catch {
    return undefined;
  }
}
