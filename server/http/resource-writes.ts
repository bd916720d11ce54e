/**
 * What the write route handlers share: the CSRF and read-only gate, request parsing, and one JSON
 * shape for every answer.
 *
 * Errors: `{ error, reason, code, causes?: [{ field, path, pointer, message, reason }], conflicts? }`
 * with `code` the HTTP status. A 409 from an update also carries `status` (`rebased` with
 * `merged`/`diff`/`theirs`/`live`/`dryRun`, `conflict` with `conflicts`/`theirs`/`live`, or `stale`
 * with `live`) so the form can show what changed on the server without another request.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApplyRequest, KubeResource } from '../../lib/editing/draft';
import { isObject } from '../../lib/editing/json';
import { writableKind, type WritableKind } from '../../lib/editing/writable';
import type { ApplyResult, DeleteResult, WriteError } from '../kube/apply';
import { HttpError } from '../kube/runtime-access';
import { kubeConfigOf } from '../auth/request';
import { getRuntime } from '../runtime';
import { rejectCrossSite } from './csrf';

/** Bodies larger than this are refused (kube-apiserver's own limit is 3 MiB). */
export const MAX_WRITE_BODY_BYTES = 3 * 1024 * 1024;

export interface ErrorBody {
  error: string;
  reason: string;
  code: number;
  causes?: WriteError['causes'];
  [k: string]: unknown;
}

export function errorJson(code: number, reason: string, error: string, extra: Record<string, unknown> = {}): Response {
  const body: ErrorBody = { error, reason, code, ...extra };
  return Response.json(body, { status: code });
}

function writeErrorResponse(e: WriteError): Response {
  return errorJson(e.code, e.reason, e.message, e.causes.length ? { causes: e.causes } : {});
}

/**
 * Runs a state-changing handler: CSRF checks, `--read-only`, then `fn` with the KubeConfig of the
 * request's user (the kubeconfig's identity without --auth; the signed-in user's token or the
 * impersonated proxy user with it, never the console's own); thrown HttpErrors become JSON
 * errors, anything else a 500.
 */
export async function mutating(req: Request, fn: (kc: KubeConfig) => Promise<Response>): Promise<Response> {
  const refused = rejectCrossSite(req);
  if (refused) return refused;
  try {
    const runtime = getRuntime();
    if (runtime.readOnly) return errorJson(403, 'ReadOnly', 'gatescope runs with --read-only: it writes nothing to the cluster');
    return await fn(kubeConfigOf(req));
  } catch (err) {
    return caught(err);
  }
}

export function caught(err: unknown): Response {
  if (err instanceof HttpError) return errorJson(err.status, reasonOf(err.status), err.message);
  console.error(err);
  return errorJson(500, 'InternalError', (err as Error)?.message ?? 'internal error');
}

const reasonOf = (code: number) =>
  ({ 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'NotWritable', 409: 'Conflict', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 503: 'ServiceUnavailable' })[code] ?? 'Error';

/** The writable kind of a URL's plural, or a 405 HttpError naming the ones that are. */
export function writableFromUrl(plural: string): WritableKind {
  const kind = writableKind(plural);
  if (!kind) throw new HttpError(405, `gatescope does not write "${plural}": only gateways, virtualservices and destinationrules (networking.istio.io/v1)`);
  return kind;
}

/** `?dryRun=All` → true; absent → false; anything else → 400 (as the API server refuses it). */
export function dryRunParam(req: Request): boolean {
  const v = new URL(req.url).searchParams.getAll('dryRun');
  if (v.length === 0) return false;
  if (v.every((x) => x === 'All')) return true;
  throw new HttpError(400, `dryRun must be "All", got ${JSON.stringify(v.join(','))}`);
}

/** The body as text, refusing (413) past `limit` bytes without reading the rest. */
async function readBounded(req: Request, limit: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `the body is larger than ${limit} bytes`);
  if (Number(req.headers.get('content-length') ?? 0) > limit) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

async function readJson(req: Request): Promise<unknown> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'the body must be application/json');
  const text = await readBounded(req, MAX_WRITE_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the body is not JSON: ${(e as Error).message}`);
  }
}

export interface ParsedWrite {
  request: ApplyRequest;
  /** False when the body was a bare object: there is no base to rebase against. */
  rebase: boolean;
}

/**
 * Reads `{ base, draft }` or a bare object (an update of itself, with its own resourceVersion).
 * Checks that the object names the URL's namespace and name (filled in when absent).
 */
export async function readWriteBody(req: Request, at: { namespace: string; name: string }): Promise<ParsedWrite> {
  return parseWriteBody(await readJson(req), at, 'update');
}

/** A POST create: `{ draft }` or a bare object, whose `metadata.namespace` says where (the URL has only the plural). */
export async function readCreateBody(req: Request): Promise<ParsedWrite> {
  const body = await readJson(req);
  const obj = isObject(body) && isObject(body['draft']) ? body['draft'] : body;
  const ns = isObject(obj) && isObject(obj['metadata']) ? obj['metadata']['namespace'] : undefined;
  if (typeof ns !== 'string' || !ns) throw new HttpError(400, 'metadata.namespace is required');
  return parseWriteBody(body, { namespace: ns }, 'create');
}

function parseWriteBody(body: unknown, at: { namespace: string; name?: string }, mode: 'update' | 'create'): ParsedWrite {
  if (!isObject(body)) throw new HttpError(400, 'the body must be an object: { base, draft } or the resource');
  const pair = 'draft' in body && isObject(body['draft']);
  if (pair && body['base'] !== undefined && body['base'] !== null && !isObject(body['base'])) throw new HttpError(400, 'base must be an object');
  const draft = fitTo(pair ? (body['draft'] as KubeResource) : (body as KubeResource), at);
  const base = pair ? (isObject(body['base']) ? fitTo(body['base'] as KubeResource, at) : undefined) : mode === 'update' ? draft : undefined;
  if (mode === 'update' && !base) throw new HttpError(400, 'an update needs base (the object as opened, with its resourceVersion)');
  if (mode === 'create' && base) throw new HttpError(400, 'a create has no base');
  return { request: base ? { base, draft } : { draft }, rebase: pair };
}

function fitTo(obj: KubeResource, at: { namespace: string; name?: string }): KubeResource {
  const meta = isObject(obj.metadata) ? { ...obj.metadata } : {};
  if (meta.namespace !== undefined && meta.namespace !== at.namespace) {
    throw new HttpError(400, `metadata.namespace "${String(meta.namespace)}" does not match the URL's namespace "${at.namespace}"`);
  }
  meta.namespace = at.namespace;
  if (at.name !== undefined) {
    if (meta.name !== undefined && meta.name !== at.name) throw new HttpError(400, `metadata.name "${String(meta.name)}" does not match the URL's name "${at.name}"`);
    meta.name = at.name;
  }
  return { ...obj, metadata: meta };
}

/** One answer per apply outcome (see the module comment). */
export function applyResponse(r: ApplyResult): Response {
  switch (r.status) {
    case 'applied':
      return Response.json(r, { status: r.created ? 201 : 200 });
    case 'failed':
      return writeErrorResponse(r.error);
    case 'rebased':
      return errorJson(409, 'Conflict', 'the object changed on the server since it was opened; your changes were rebased onto it: review and confirm', { ...r });
    case 'conflict':
      return errorJson(409, 'Conflict', 'the object changed on the server since it was opened, and the same fields were changed there: resolve the conflicts', { ...r });
    case 'stale':
      return errorJson(409, 'Conflict', 'the object changed on the server since it was opened', { ...r });
  }
}

export function deleteResponse(r: DeleteResult): Response {
  switch (r.status) {
    case 'deleted':
      return Response.json(r, { status: 200 });
    case 'stale':
      return errorJson(409, 'Conflict', 'the object changed on the server since that resourceVersion: review it and delete again', { ...r });
    case 'failed':
      return writeErrorResponse(r.error);
  }
}
