/**
 * JSON patch (RFC 6902) through fast-json-patch. A malformed patch is 400; an operation that does
 * not apply (a failed `test`, a missing path) is 422 with the apiserver's generic message and the
 * detail as a cause, as `errors.NewGenericServerResponse(422, …)` produces.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError, errors, status } from '../status';

type Obj = Record<string, unknown>;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function applyJsonPatch(original: Obj, patch: unknown): Obj {
  if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  for (const op of patch) {
    if (!op || typeof op !== 'object' || !OPS.has((op as { op?: string }).op ?? '')) {
      throw errors.badRequest(`Unexpected kind: ${JSON.stringify((op as { op?: unknown })?.op ?? null)}`);
    }
    if (typeof (op as { path?: unknown }).path !== 'string') throw errors.badRequest('json: missing path');
  }
  const doc = structuredClone(original);
  try {
    const res = jsonpatch.applyPatch(doc, patch as Operation[], true, true, true);
    const out = res.newDocument as unknown;
    if (!out || typeof out !== 'object' || Array.isArray(out)) throw errors.badRequest('the patch replaced the object with a non-object');
    return out as Obj;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw unprocessable(describe(e));
  }
}

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string; operation?: { op?: string; path?: string } };
  const path = err.operation?.path ?? '';
  switch (err.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
      return `${err.operation?.op ?? 'replace'} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${err.operation?.op ?? 'move'} operation does not apply: doc is missing from path: missing value`;
    default:
      return String(err.message ?? e).split('\n')[0]!;
  }
}

function unprocessable(detail: string): ApiError {
  return new ApiError(
    status(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
    }),
  );
}
