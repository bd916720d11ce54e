/**
 * Validation of a draft as the user types: the API server's own checks (Istio's CRD schemas,
 * CEL rules included, via lib/istio), istioctl-analyze-like findings of lib/analysis over the
 * cluster with the draft in place of the stored object, and the few metadata rules the
 * schemas leave to the API server (name syntax, namespace, name taken).
 *
 * Every issue carries a field path in the API server's syntax, so the form can show it next to
 * the field it concerns.
 */
import { analyze, type Finding, type KubeObject as AnalysisObject } from '@/lib/analysis/analyze';
import { validateIstioObject } from '@/lib/istio/crds';
import { CEL_NOT_CHECKED } from '@/lib/kube/crd-schema';
import type { KubeObject } from '@/components/resources/kinds';

export type IssueLevel = 'Error' | 'Warning' | 'Info';

export interface Issue {
  /** `spec.http[0].route` (empty: the object as a whole). */
  path: string;
  level: IssueLevel;
  /** `IST0101`, `GSC0003`, or the API server's reason (`FieldValueInvalid`). */
  code: string;
  message: string;
  source: 'schema' | 'analysis' | 'metadata' | 'server';
  documentationUrl?: string;
  fix?: string;
  /** Apply stays disabled while a blocking issue is present. */
  blocking: boolean;
  /** The lib/analysis finding behind an `analysis` issue (for its prefilled fix). */
  finding?: Finding;
}

/**
 * Findings that block Apply although istioctl only warns: weights that do not add up to 100
 * (Envoy would split in proportion, which is never what a form user meant; the form's split
 * slider always keeps 100).
 */
const BLOCKING_WARNINGS = new Set(['GSC0001']);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface ValidateContext {
  /** Every object of the cluster the console watches (all kinds). */
  cluster: readonly KubeObject[];
  /** Creating a new object (name must be free) rather than editing a stored one. */
  creating: boolean;
  /** Time, for certificate checks. */
  now: number;
}

function sameObject(a: KubeObject, kind: string, ns: string, name: string): boolean {
  return a.kind === kind && (a.metadata.namespace ?? '') === ns && a.metadata.name === name;
}

function metadataIssues(draft: KubeObject, ctx: ValidateContext): Issue[] {
  const out: Issue[] = [];
  const name = draft.metadata?.name ?? '';
  const ns = draft.metadata?.namespace ?? '';
  const meta = (path: string, message: string): Issue => ({ path, level: 'Error', code: 'FieldValueInvalid', message, source: 'metadata', blocking: true });
  if (!name) out.push({ ...meta('metadata.name', 'Required value: name is required'), code: 'FieldValueRequired' });
  else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    out.push(meta('metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`));
  }
  if (!ns) out.push({ ...meta('metadata.namespace', 'Required value: namespace is required'), code: 'FieldValueRequired' });
  else {
    const namespaces = ctx.cluster.filter((o) => o.kind === 'Namespace');
    if (namespaces.length > 0 && !namespaces.some((n) => n.metadata.name === ns)) {
      out.push({ ...meta('metadata.namespace', `Not found: namespace "${ns}" does not exist`), code: 'FieldValueNotFound' });
    }
  }
  if (ctx.creating && name && ns && ctx.cluster.some((o) => sameObject(o, draft.kind ?? '', ns, name))) {
    out.push({ ...meta('metadata.name', `Duplicate value: ${draft.kind} ${ns}/${name} already exists`), code: 'FieldValueDuplicate' });
  }
  return out;
}

function schemaIssues(draft: KubeObject): Issue[] {
  const res = validateIstioObject(draft);
  if (!res) return [];
  const out: Issue[] = [];
  const hasOthers = res.causes.some((c) => !c.message.includes(CEL_NOT_CHECKED));
  for (const c of res.causes) {
    if (hasOthers && c.message.includes(CEL_NOT_CHECKED)) continue;
    out.push({
      path: c.field === '<nil>' ? '' : c.field,
      level: 'Error',
      code: c.reason,
      message: c.message,
      source: 'schema',
      blocking: true,
    });
  }
  for (const f of res.unknownFields) {
    out.push({
      path: f,
      level: 'Error',
      code: 'UnknownField',
      message: `Unknown field "${f}": Istio's schema does not have it (a typo?); gatescope writes with fieldValidation=Strict, so the server refuses it.`,
      source: 'schema',
      blocking: true,
    });
  }
  return out;
}

function findingIssue(f: Finding): Issue {
  return {
    path: f.path ?? '',
    level: f.level,
    code: f.code,
    message: f.message,
    source: 'analysis',
    documentationUrl: f.documentationUrl,
    ...(f.fix ? { fix: f.fix } : {}),
    blocking: f.level === 'Error' || BLOCKING_WARNINGS.has(f.code),
    finding: f,
  };
}

/** lib/analysis over the cluster with `draft` in place of the stored object of the same name. */
export function analysisIssues(draft: KubeObject, ctx: Pick<ValidateContext, 'cluster' | 'now'>): Issue[] {
  const kind = draft.kind ?? '';
  const ns = draft.metadata?.namespace ?? '';
  const name = draft.metadata?.name ?? '';
  if (!name) return [];
  const objects = [...ctx.cluster.filter((o) => !sameObject(o, kind, ns, name)), draft] as unknown as AnalysisObject[];
  return analyze(objects, { now: ctx.now })
    .filter((f) => f.resource.kind === kind && f.resource.namespace === ns && f.resource.name === name)
    .map(findingIssue);
}

const LEVEL_ORDER: Record<IssueLevel, number> = { Error: 0, Warning: 1, Info: 2 };

/** Every issue of `draft`, errors first, then by path. */
export function validateDraft(draft: KubeObject, ctx: ValidateContext): Issue[] {
  let issues: Issue[];
  try {
    issues = [...metadataIssues(draft, ctx), ...schemaIssues(draft), ...analysisIssues(draft, ctx)];
  } catch (e) {
    // A draft shape the validators did not expect must never break the form.
    issues = [{ path: '', level: 'Warning', code: 'ValidationFailed', message: `Validation could not run: ${(e as Error).message}`, source: 'schema', blocking: false }];
  }
  return issues.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.path.localeCompare(b.path));
}

/** Issues by exact path. */
export function indexIssues(issues: readonly Issue[]): Map<string, Issue[]> {
  const m = new Map<string, Issue[]>();
  for (const i of issues) m.set(i.path, [...(m.get(i.path) ?? []), i]);
  return m;
}
