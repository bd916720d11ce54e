/**
 * Just enough PEM and DER to read a certificate's validity period (notBefore/notAfter) and
 * subject common name, without a crypto library (runs in the browser and in Node).
 */

export interface PemBlock {
  type: string;
  der: Uint8Array;
}

export interface CertificateInfo {
  notBefore: Date;
  notAfter: Date;
  /** Subject CN, when present. */
  commonName?: string;
}

function b64(s: string): Uint8Array {
  const bin = atob(s.replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Every PEM block of a text, in order (malformed base64 bodies are skipped). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    try {
      out.push({ type: m[1]!, der: b64(m[2]!) });
    } catch {
      // not base64: Go's pem.Decode rejects the block too
    }
  }
  return out;
}

interface Tlv {
  tag: number;
  start: number;
  end: number;
  next: number;
}

function tlv(d: Uint8Array, pos: number): Tlv {
  if (pos + 2 > d.length) throw new Error('truncated DER');
  const tag = d[pos]!;
  let len = d[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > d.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > d.length) throw new Error('truncated DER');
  return { tag, start, end, next: end };
}

function children(d: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = tlv(d, p);
    out.push(c);
    p = c.next;
  }
  return out;
}

const ascii = (d: Uint8Array, t: Tlv) => String.fromCharCode(...d.subarray(t.start, t.end));

function parseTime(d: Uint8Array, t: Tlv): Date {
  const s = ascii(d, t);
  let m: RegExpExecArray | null;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new Error(`bad certificate time ${JSON.stringify(s)}`);
}

const OID_CN = '2.5.4.3';

function oid(d: Uint8Array, t: Tlv): string {
  const b = d.subarray(t.start, t.end);
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function commonName(d: Uint8Array, name: Tlv): string | undefined {
  for (const rdn of children(d, name)) {
    for (const atv of children(d, rdn)) {
      const [type, value] = children(d, atv);
      if (type && value && type.tag === 0x06 && oid(d, type) === OID_CN) return new TextDecoder().decode(d.subarray(value.start, value.end));
    }
  }
  return undefined;
}

/** Reads an X.509 certificate (DER). Throws on anything that is not one. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  const cert = tlv(der, 0);
  if (cert.tag !== 0x30) throw new Error('not a certificate');
  const [tbs] = children(der, cert);
  if (!tbs || tbs.tag !== 0x30) throw new Error('not a certificate');
  const f = children(der, tbs);
  let i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  i += 2; // serialNumber, signature
  const issuer = f[i++];
  const validity = f[i++];
  const subject = f[i];
  if (!issuer || !validity || validity.tag !== 0x30) throw new Error('not a certificate');
  const [nb, na] = children(der, validity);
  if (!nb || !na) throw new Error('not a certificate');
  const cn = subject && subject.tag === 0x30 ? commonName(der, subject) : undefined;
  return { notBefore: parseTime(der, nb), notAfter: parseTime(der, na), ...(cn !== undefined ? { commonName: cn } : {}) };
}

/** The certificates of a PEM text (CERTIFICATE blocks), in order; unparsable blocks are skipped. */
export function pemCertificates(text: string): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  for (const b of pemBlocks(text)) {
    if (b.type !== 'CERTIFICATE') continue;
    try {
      out.push(parseCertificate(b.der));
    } catch {
      // skipped
    }
  }
  return out;
}
