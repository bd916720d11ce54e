/**
 * What of a Secret may leave the server for a browser: its name, type, labels and the keys it
 * holds, plus public certificate material (the console checks expiry and SANs as you type). Private
 * keys, tokens and any other value are replaced by a marker, so a shoulder-surfed browser tab or
 * a cached API response never holds them.
 */
const PUBLIC_KEYS = new Set(['tls.crt', 'ca.crt', 'cert', 'cacert', 'ca-cert.pem', 'cert-chain.pem', 'root-cert.pem']);
/** base64("REDACTED"): non-empty, so "has a key" checks still hold. */
export const REDACTED = 'UkVEQUNURUQ=';
export const REDACTED_ANNOTATION = 'gatescope.dev/redacted';

type Obj = { kind?: string; metadata?: { annotations?: Record<string, string> } & Record<string, unknown>; data?: unknown; stringData?: unknown } & Record<string, unknown>;

/** Copies a Secret with its non-public values replaced; other objects are returned as they are. */
export function redactSecret<T>(obj: T): T {
  const o = obj as Obj;
  if (!o || typeof o !== 'object' || !o.data && !o.stringData) return obj;
  const redacted: string[] = [];
  const scrub = (m: unknown, marker: string) => {
    if (!m || typeof m !== 'object') return m;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) {
      if (PUBLIC_KEYS.has(k)) out[k] = v;
      else {
        out[k] = marker;
        redacted.push(k);
      }
    }
    return out;
  };
  const copy: Obj = { ...o };
  if (o.data) copy.data = scrub(o.data, REDACTED);
  if (o.stringData) copy.stringData = scrub(o.stringData, 'REDACTED');
  if (redacted.length && o.metadata) {
    const annotations = { ...(o.metadata.annotations ?? {}) };
    // the last-applied annotation would carry the values again
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    annotations[REDACTED_ANNOTATION] = [...new Set(redacted)].sort().join(',');
    copy.metadata = { ...o.metadata, annotations };
    delete (copy.metadata as Record<string, unknown>)['managedFields'];
  }
  return copy as T;
}

/** Applies {@link redactSecret} when `plural` is `secrets`. */
export function redactForClient<T>(plural: string, obj: T): T {
  return plural === 'secrets' ? redactSecret(obj) : obj;
}
