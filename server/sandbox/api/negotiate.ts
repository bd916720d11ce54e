/**
 * Content negotiation: which representation an `Accept` list asks for (plain JSON, a meta.k8s.io
 * Table, PartialObjectMetadata, YAML), and the media type of request bodies. The server speaks
 * JSON only; protobuf entries are skipped, and 406 is answered only when nothing listed is servable.
 */
import { errors } from './status';

export type Representation =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial'; version: 'v1' | 'v1beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || !header.trim()) return [{ type: '*/*', params: {}, q: 1 }];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...ps] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v) || 0;
      else params[k] = v;
    }
    if (q > 0) out.push({ type: type.toLowerCase(), params, q });
  }
  // Stable sort by q, highest first.
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

export interface NegotiateOptions {
  /** Tables and PartialObjectMetadata are served for resource reads. */
  resource: boolean;
  /** YAML is not offered on watch streams. */
  watch?: boolean;
}

const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

export function negotiate(accept: string | undefined, opts: NegotiateOptions): Representation {
  for (const m of parseAccept(accept)) {
    const jsonish = m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*';
    if (jsonish) {
      const as = m.params['as'];
      if (!as) return { kind: 'json' };
      if (!opts.resource || m.params['g'] !== 'meta.k8s.io') continue;
      const v = m.params['v'];
      if (v !== 'v1' && v !== 'v1beta1') continue;
      if (as === 'Table') return { kind: 'table', version: v };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'partial', version: v };
      continue;
    }
    if ((m.type === 'application/yaml' || m.type === 'text/yaml') && !opts.watch && !m.params['as']) return { kind: 'yaml' };
  }
  throw errors.notAcceptable(ACCEPTED);
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
