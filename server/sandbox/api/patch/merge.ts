/** JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, everything else replaces (lists whole). */
import { errors } from '../status';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatchValue(out[k], v);
  }
  return out;
}

/** Applies a merge patch to an object; the patch must be a JSON object. */
export function applyMergePatch(original: Obj, patch: unknown): Obj {
  if (!isObj(patch)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergePatchValue(original, patch) as Obj;
}
