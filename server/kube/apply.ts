/**
 * Writes to the cluster for the edit pipeline: server dry-run, update with the resourceVersion
 * the user edited, create, delete with a precondition, the 409 path (re-read, rebase or report
 * the conflicts — never force) and SelfSubjectAccessReview.
 *
 * - Every write is a full `PUT`/`POST` of the object (not a merge patch, not server-side apply):
 *   Istio's CRDs declare no list types, so `spec.http` is one atomic list to the server and a
 *   patch of one route would silently replace the whole list under a concurrent writer.
 * - `fieldManager=gatescope` and `fieldValidation=Strict` on dry-run and real write alike, so a
 *   dry-run predicts the write it precedes (same body, same parameters).
 * - Errors are values (`WriteError`) carrying the server's Status verbatim and its causes mapped
 *   to field paths; a 403 is passed through as is and nothing is retried but the one GET after a
 *   409.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { diff, type Change } from '../../lib/editing/diff';
import { createBody, updateBody, type ApplyRequest, type KubeResource } from '../../lib/editing/draft';
import { fieldCauses, type FieldCause } from '../../lib/editing/field-causes';
import { rebase, type Conflict } from '../../lib/editing/rebase';
import { writableKind, type WritableKind } from '../../lib/editing/writable';
import { KubeApiError, kubeJson, type KubeStatus } from './transport';

export const FIELD_MANAGER = 'gatescope';

/** A failed write: the server's answer, or why there was none. */
export interface WriteError {
  /** HTTP status of the server's answer (502 when it could not be reached, 405 for a kind gatescope does not write). */
  code: number;
  /** The Status reason (`Invalid`, `BadRequest`, `Forbidden`, `Conflict`, `NotFound`, `AlreadyExists`…) or `Unreachable`, `NotWritable`. */
  reason: string;
  /** The server's message, verbatim. */
  message: string;
  /** Field errors mapped to paths the form attaches to inputs (422 causes; strict-decoding unknown fields). */
  causes: FieldCause[];
  /** The server's Status object, verbatim, when it sent one. */
  status?: KubeStatus;
}

export type DryRunResult<T extends KubeResource = KubeResource> =
  | { ok: true; object: T; warnings: string[] }
  | { ok: false; error: WriteError };

export type ApplyResult<T extends KubeResource = KubeResource> =
  /** Written (or, with `dryRun`, accepted by the server's dry-run): the server's object. */
  | { status: 'applied'; object: T; dryRun: boolean; created: boolean; warnings: string[] }
  /**
   * 409: the object changed since `base`; the user's changes were rebased onto `live`. Nothing was
   * written: show `diff` (what the update will change now) and `theirs`, and on confirmation
   * apply `{ base: live, draft: merged }`. `dryRun` is the server's dry-run of that update.
   */
  | { status: 'rebased'; merged: T; live: T; diff: Change[]; theirs: Change[]; dryRun: DryRunResult<T> }
  /** 409, and both sides changed the same fields: nothing written, the draft is untouched. */
  | { status: 'conflict'; conflicts: Conflict[]; live: T; theirs: Change[] }
  /** 409 for a write without a usable base (`rebase: false`): here is the server's object. */
  | { status: 'stale'; live: T; theirs: Change[] }
  | { status: 'failed'; error: WriteError };

export type DeleteResult<T extends KubeResource = KubeResource> =
  | { status: 'deleted'; object: T | undefined; dryRun: boolean }
  /** The precondition failed: the object changed since that resourceVersion. */
  | { status: 'stale'; live: T }
  | { status: 'failed'; error: WriteError };

export interface WriteOptions {
  /** `dryRun=All`: the server validates, defaults and answers as if it wrote, and persists nothing. */
  dryRun?: boolean;
  /** On 409, rebase the draft onto the live object (default true); false → `stale`. */
  rebase?: boolean;
  signal?: AbortSignal;
}

export interface ObjectRef {
  namespace: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------

function collection(kind: WritableKind, namespace: string): string {
  return `/apis/${kind.group}/${kind.version}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
}

function itemPath(kind: WritableKind, ref: ObjectRef): string {
  return `${collection(kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

function refOf(obj: KubeResource): ObjectRef | undefined {
  const namespace = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return typeof namespace === 'string' && namespace && typeof name === 'string' && name ? { namespace, name } : undefined;
}

const notWritable = (plural: string): WriteError => ({
  code: 405,
  reason: 'NotWritable',
  message: `gatescope does not write "${plural}": only gateways, virtualservices and destinationrules (networking.istio.io/v1)`,
  causes: [],
});

const badObject = (message: string, field: string): WriteError => ({
  code: 400,
  reason: 'BadRequest',
  message,
  causes: [{ field, path: field.split('.'), pointer: '/' + field.split('.').join('/'), message: 'Required value', reason: 'FieldValueRequired' }],
});

/** A thrown transport error as a WriteError (the Status kept verbatim). */
export function toWriteError(err: unknown, sent?: unknown): WriteError {
  if (err instanceof KubeApiError && err.statusCode > 0) {
    const e: WriteError = {
      code: err.statusCode,
      reason: err.status?.reason ?? 'Unknown',
      message: err.message,
      causes: fieldCauses(err.status, sent),
    };
    if (err.status) e.status = err.status;
    return e;
  }
  return { code: 502, reason: 'Unreachable', message: `the Kubernetes API server could not be reached: ${(err as Error).message}`, causes: [] };
}

const isConflict = (err: unknown) => err instanceof KubeApiError && err.statusCode === 409 && err.reason === 'Conflict';

function warningsOf(headers: Record<string, string | string[] | undefined>): string[] {
  const h = headers['warning'];
  const list = h === undefined ? [] : Array.isArray(h) ? h : [h];
  // `299 - "unknown field \"spec.foo\""` → `unknown field "spec.foo"`
  return list.map((w) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(w);
    return m ? m[1]!.replace(/\\(.)/g, '$1') : w;
  });
}

async function write<T extends KubeResource>(
  kc: KubeConfig,
  kind: WritableKind,
  method: 'PUT' | 'POST',
  body: T,
  opts: { dryRun?: boolean; signal?: AbortSignal },
): Promise<{ object: T; warnings: string[] }> {
  const ref = refOf(body)!;
  const res = await kubeJson<T>(kc, {
    method,
    path: method === 'PUT' ? itemPath(kind, ref) : collection(kind, ref.namespace),
    query: { dryRun: opts.dryRun ? 'All' : undefined, fieldValidation: 'Strict', fieldManager: FIELD_MANAGER },
    body,
    signal: opts.signal,
  });
  return { object: res.body, warnings: warningsOf(res.headers) };
}

function checkBody(kind: WritableKind, obj: KubeResource): WriteError | undefined {
  if (!obj.metadata?.name) return badObject('metadata.name is required', 'metadata.name');
  if (!obj.metadata.namespace) return badObject('metadata.namespace is required', 'metadata.namespace');
  if (obj.apiVersion !== undefined && obj.apiVersion !== kind.apiVersion && !obj.apiVersion.startsWith(`${kind.group}/`)) {
    return { code: 400, reason: 'BadRequest', message: `apiVersion ${obj.apiVersion} is not ${kind.group}`, causes: [] };
  }
  if (obj.kind !== undefined && obj.kind !== kind.kind) return { code: 400, reason: 'BadRequest', message: `kind ${obj.kind} is not ${kind.kind}`, causes: [] };
  return undefined;
}

/** The body as it will be sent: apiVersion and kind filled in (the server's served version). */
function withTypeMeta<T extends KubeResource>(kind: WritableKind, obj: T): T {
  return { ...obj, apiVersion: kind.apiVersion, kind: kind.kind };
}

// ---------------------------------------------------------------------------------------------

/** Reads one object from the server (not the cache): undefined when it does not exist. */
export async function getLive<T extends KubeResource = KubeResource>(kc: KubeConfig, plural: string, ref: ObjectRef, signal?: AbortSignal): Promise<T | undefined> {
  const kind = writableKind(plural);
  if (!kind) throw new KubeApiError(405, undefined, notWritable(plural).message);
  try {
    return (await kubeJson<T>(kc, { path: itemPath(kind, ref), signal })).body;
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/**
 * Server dry-run of a write of `obj` (`dryRun=All`, `fieldValidation=Strict`,
 * `fieldManager=gatescope`): `PUT` when it carries a resourceVersion (an update, with that
 * precondition), `POST` otherwise. Returns the object the server would store, or the error it
 * would answer (422 causes and strict-decoding unknown fields mapped to field paths).
 */
export async function dryRun<T extends KubeResource>(kc: KubeConfig, plural: string, obj: T, signal?: AbortSignal): Promise<DryRunResult<T>> {
  const kind = writableKind(plural);
  if (!kind) return { ok: false, error: notWritable(plural) };
  const bad = checkBody(kind, obj);
  if (bad) return { ok: false, error: bad };
  const body = withTypeMeta(kind, obj);
  try {
    const r = await write(kc, kind, obj.metadata?.resourceVersion ? 'PUT' : 'POST', body, { dryRun: true, signal });
    return { ok: true, object: r.object, warnings: r.warnings };
  } catch (err) {
    return { ok: false, error: toWriteError(err, body) };
  }
}

/**
 * Applies an edit: `PUT` of the draft carrying `base.metadata.resourceVersion` (create with
 * `POST` when `base` is absent), `fieldManager=gatescope`. On 409 it reads the live object and
 * rebases the draft onto it (`rebased`, nothing written: the caller confirms, then applies
 * `{ base: live, draft: merged }`) or reports the `conflict`s. Never forces; never retries a
 * 403 or any other failure.
 */
export async function apply<T extends KubeResource>(kc: KubeConfig, plural: string, req: ApplyRequest<T>, opts: WriteOptions = {}): Promise<ApplyResult<T>> {
  const kind = writableKind(plural);
  if (!kind) return { status: 'failed', error: notWritable(plural) };
  const create = !req.base;
  const body = withTypeMeta(kind, create ? createBody(req) : updateBody(req));
  const bad = checkBody(kind, body);
  if (bad) return { status: 'failed', error: bad };
  if (!create && !body.metadata?.resourceVersion) return { status: 'failed', error: badObject('base.metadata.resourceVersion is required for an update', 'metadata.resourceVersion') };
  try {
    const r = await write(kc, kind, create ? 'POST' : 'PUT', body, opts);
    return { status: 'applied', object: r.object, dryRun: !!opts.dryRun, created: create, warnings: r.warnings };
  } catch (err) {
    if (create || !isConflict(err)) return { status: 'failed', error: toWriteError(err, body) };
  }
  return afterConflict(kc, plural, req as Required<ApplyRequest<T>>, opts);
}

async function afterConflict<T extends KubeResource>(kc: KubeConfig, plural: string, req: Required<ApplyRequest<T>>, opts: WriteOptions): Promise<ApplyResult<T>> {
  if (opts.rebase === false) {
    let live: T | undefined;
    try {
      live = await getLive<T>(kc, plural, refOf(updateBody(req))!, opts.signal);
    } catch (err) {
      return { status: 'failed', error: toWriteError(err) };
    }
    if (!live) return { status: 'failed', error: deletedMeanwhile(plural, req.base) };
    return { status: 'stale', live, theirs: diff(req.base, live) };
  }
  return rebaseOnLive(kc, plural, req, opts.signal);
}

function deletedMeanwhile(plural: string, base: KubeResource): WriteError {
  const m = base.metadata ?? {};
  return { code: 404, reason: 'NotFound', message: `${plural} ${m.namespace}/${m.name} was deleted on the server since it was opened`, causes: [] };
}

/**
 * Reads the live object and rebases `draft` (an edit of `base`) onto it. `rebased` comes with the
 * server's dry-run of the merged update (live's resourceVersion), so the user confirms a change
 * the server has already accepted once.
 */
export async function rebaseOnLive<T extends KubeResource>(kc: KubeConfig, plural: string, req: Required<ApplyRequest<T>>, signal?: AbortSignal): Promise<Exclude<ApplyResult<T>, { status: 'applied' | 'stale' }>> {
  const kind = writableKind(plural);
  if (!kind) return { status: 'failed', error: notWritable(plural) };
  const ref = refOf(updateBody(req));
  if (!ref) return { status: 'failed', error: badObject('metadata.name and metadata.namespace are required', 'metadata.name') };
  let live: T | undefined;
  try {
    live = await getLive<T>(kc, plural, ref, signal);
  } catch (err) {
    return { status: 'failed', error: toWriteError(err) };
  }
  if (!live) return { status: 'failed', error: deletedMeanwhile(plural, req.base) };
  const r = rebase(req.base, req.draft, live);
  if (r.status === 'conflict') return { status: 'conflict', conflicts: r.conflicts, live, theirs: r.theirs };
  const check = await dryRun(kc, plural, updateBody({ base: live, draft: r.merged }), signal);
  return { status: 'rebased', merged: r.merged, live, diff: r.diff, theirs: r.theirs, dryRun: check };
}

/**
 * Deletes with a resourceVersion precondition (`DeleteOptions.preconditions`): a change by anyone
 * since that version makes it fail (`stale`, with the live object) instead of deleting what the
 * user has not seen.
 */
export async function deleteResource<T extends KubeResource = KubeResource>(
  kc: KubeConfig,
  plural: string,
  ref: ObjectRef,
  opts: { resourceVersion: string; dryRun?: boolean; signal?: AbortSignal },
): Promise<DeleteResult<T>> {
  const kind = writableKind(plural);
  if (!kind) return { status: 'failed', error: notWritable(plural) };
  if (!opts.resourceVersion) return { status: 'failed', error: { code: 400, reason: 'BadRequest', message: 'a resourceVersion precondition is required to delete', causes: [] } };
  const body = {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    preconditions: { resourceVersion: opts.resourceVersion },
    ...(opts.dryRun ? { dryRun: ['All'] } : {}),
  };
  try {
    const res = await kubeJson<T | KubeStatus>(kc, { method: 'DELETE', path: itemPath(kind, ref), query: { dryRun: opts.dryRun ? 'All' : undefined }, body, signal: opts.signal });
    const obj = res.body && (res.body as KubeStatus).kind !== 'Status' ? (res.body as T) : undefined;
    return { status: 'deleted', object: obj, dryRun: !!opts.dryRun };
  } catch (err) {
    if (isConflict(err)) {
      try {
        const live = await getLive<T>(kc, plural, ref, opts.signal);
        if (live) return { status: 'stale', live };
      } catch (e) {
        return { status: 'failed', error: toWriteError(e) };
      }
    }
    return { status: 'failed', error: toWriteError(err) };
  }
}

export interface AccessQuery {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** `kubectl auth can-i`: a SelfSubjectAccessReview as the kubeconfig's user. Throws KubeApiError when the review itself fails. */
export async function canI(kc: KubeConfig, q: AccessQuery, signal?: AbortSignal): Promise<AccessAnswer> {
  const resourceAttributes: Record<string, string> = { verb: q.verb, group: q.group, resource: q.resource };
  if (q.namespace) resourceAttributes['namespace'] = q.namespace;
  if (q.name) resourceAttributes['name'] = q.name;
  if (q.subresource) resourceAttributes['subresource'] = q.subresource;
  const res = await kubeJson<{ status?: AccessAnswer }>(kc, {
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } },
    signal,
  });
  const s = res.body.status ?? { allowed: false };
  const out: AccessAnswer = { allowed: s.allowed === true };
  if (s.denied) out.denied = true;
  if (s.reason) out.reason = s.reason;
  if (s.evaluationError) out.evaluationError = s.evaluationError;
  return out;
}
