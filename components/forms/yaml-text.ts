/**
 * The YAML pane's two directions: the draft as YAML (server-owned metadata and status left
 * out), and YAML text back to a draft, with the parser's message and line when it does not
 * parse, and the hidden fields put back so nothing is lost on the round trip.
 */
import { parseDocument, stringify } from 'yaml';
import { SERVER_METADATA, type KubeObject } from '@/components/resources/kinds';

/** Annotations tools maintain for themselves: hidden like server metadata, kept on the object. */
const HIDDEN_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function draftToYaml(draft: KubeObject): string {
  const { status: _status, ...rest } = draft;
  const metadata = { ...draft.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (metadata.annotations) {
    const shown = Object.fromEntries(Object.entries(metadata.annotations).filter(([k]) => !HIDDEN_ANNOTATIONS.includes(k)));
    if (Object.keys(shown).length) metadata.annotations = shown;
    else delete metadata.annotations;
  }
  return stringify({ ...rest, metadata }, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface YamlError {
  message: string;
  /** 1-based. */
  line?: number;
  col?: number;
}

export type YamlParse = { ok: true; draft: KubeObject } | { ok: false; error: YamlError };

export interface YamlConstraints {
  kind: string;
  /** The object's name and namespace cannot change (editing a stored object). */
  fixedName?: { name: string; namespace: string };
}

/** Parses the pane's text into a draft built on `current` (its hidden metadata and status kept). */
export function yamlToDraft(text: string, current: KubeObject, c: YamlConstraints): YamlParse {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const message = e.message.split(/:\n/)[0]!.replace(/ at line \d+, column \d+$/, '');
    return { ok: false, error: { message, line: e.linePos?.[0]?.line, col: e.linePos?.[0]?.col } };
  }
  const value: unknown = doc.toJS();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: { message: 'The document must be one object (a mapping), like the one shown.', line: 1 } };
  const obj = value as Record<string, unknown>;
  const lineOf = (key: string): number | undefined => {
    const i = text.split('\n').findIndex((l) => new RegExp(`^\\s*${key}:`).test(l));
    return i >= 0 ? i + 1 : undefined;
  };
  if (obj.kind !== c.kind) return { ok: false, error: { message: `kind must stay ${c.kind} (this editor edits a ${c.kind}).`, line: lineOf('kind') } };
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('networking.istio.io/')) {
    return { ok: false, error: { message: 'apiVersion must be networking.istio.io/v1 (or v1beta1, v1alpha3).', line: lineOf('apiVersion') } };
  }
  const meta = obj.metadata;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return { ok: false, error: { message: 'metadata must be an object with a name and a namespace.', line: lineOf('metadata') } };
  const m = meta as Record<string, unknown>;
  if (c.fixedName && (m.name !== c.fixedName.name || (m.namespace ?? '') !== c.fixedName.namespace)) {
    return {
      ok: false,
      error: { message: `metadata.name and metadata.namespace cannot change here (${c.fixedName.namespace}/${c.fixedName.name}); use Clone to copy under another name.`, line: lineOf('name') },
    };
  }
  const hidden: Record<string, unknown> = {};
  for (const k of SERVER_METADATA) if (current.metadata[k] !== undefined) hidden[k] = current.metadata[k];
  const hiddenAnnotations = Object.fromEntries(Object.entries(current.metadata.annotations ?? {}).filter(([k]) => HIDDEN_ANNOTATIONS.includes(k)));
  if (Object.keys(hiddenAnnotations).length) {
    const shown = m.annotations && typeof m.annotations === 'object' && !Array.isArray(m.annotations) ? (m.annotations as Record<string, string>) : {};
    hidden.annotations = { ...shown, ...hiddenAnnotations };
  }
  const draft = { ...obj, metadata: { ...m, ...hidden } } as KubeObject;
  if (current.status !== undefined) draft.status = current.status;
  return { ok: true, draft };
}
