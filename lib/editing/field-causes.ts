/**
 * The field errors of a failed write, from the API server's `Status`, with the path a form can
 * attach each one to.
 *
 * - 422 `Invalid`: `details.causes[]` carry `field` (`spec.http[0].route[0].weight`) and the
 *   server's message; causes without a field (`<nil>`, e.g. "some validation rules were not
 *   checked…") are kept with `field: ''` for the form's general error area.
 * - 400 `BadRequest` with `fieldValidation=Strict`: the server sends no causes, only
 *   `… strict decoding error: unknown field "spec.foo", duplicate field "spec.hosts"`; each named
 *   field becomes a cause (`FieldValueUnknown` / `FieldValueDuplicate`, gatescope's names).
 */
import { fromDisplay, toPointer, type Path } from './path';

export interface FieldCause {
  /** Kubernetes field path as the server wrote it, `''` when the cause names no field. */
  field: string;
  /** Segments of `field` (list indices as numbers); absent when `field` is empty. */
  path?: Path;
  /** RFC 6901 pointer of `path` (the forms' field keys). */
  pointer?: string;
  message: string;
  /** `FieldValueInvalid`, `FieldValueTypeInvalid`, `FieldValueRequired`…, `FieldValueUnknown`, `FieldValueDuplicate`. */
  reason?: string;
}

export interface StatusLike {
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

function cause(field: string | undefined, message: string, reason: string | undefined, obj: unknown): FieldCause {
  const path = field ? fromDisplay(field, obj) : undefined;
  const c: FieldCause = { field: path ? field! : '', message };
  if (path) {
    c.path = path;
    c.pointer = toPointer(path);
  }
  if (reason) c.reason = reason;
  return c;
}

/**
 * Field causes of a Status. `obj` (the object that was sent) disambiguates a bracketed number under
 * a map from a list index.
 */
export function fieldCauses(status: StatusLike | undefined, obj?: unknown): FieldCause[] {
  if (!status) return [];
  const out: FieldCause[] = [];
  for (const c of status.details?.causes ?? []) out.push(cause(c.field, c.message ?? '', c.reason, obj));
  const message = status.message ?? '';
  const strict = message.indexOf('strict decoding error:');
  if (out.length === 0 && strict !== -1) {
    const re = /(unknown|duplicate) field "((?:[^"\\]|\\.)*)"/g;
    for (const m of message.slice(strict).matchAll(re)) {
      const kind = m[1] === 'unknown' ? 'Unknown' : 'Duplicate';
      out.push(cause(m[2], `${m[1]} field`, `FieldValue${kind}`, obj));
    }
  }
  return out;
}
