/**
 * Kubernetes `Status` objects and the error type the REST layer throws. Messages follow
 * k8s.io/apimachinery/pkg/api/errors so that kubectl prints what it prints against a real cluster.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function status(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

export class ApiError extends Error {
  readonly status: Status;
  /** Extra response headers (Retry-After…). */
  readonly headers: Record<string, string>;
  constructor(s: Status, headers: Record<string, string> = {}) {
    super(s.message ?? s.reason ?? 'error');
    this.status = s;
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

/** A resource as errors name it: `pods`, `virtualservices.networking.istio.io`. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export const qualified = (r: QualifiedResource): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

function details(r: QualifiedResource, name?: string, extra: Partial<StatusDetails> = {}): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (r.group) d.group = r.group;
  d.kind = r.resource;
  return { ...d, ...extra };
}

export const errors = {
  badRequest: (message: string, d?: StatusDetails) => new ApiError(status(400, 'BadRequest', message, d)),
  unauthorized: (message = 'Unauthorized') => new ApiError(status(401, 'Unauthorized', message)),
  forbidden: (r: QualifiedResource, name: string | undefined, message: string) => {
    const who = name ? `${qualified(r)} "${name}"` : qualified(r);
    return new ApiError(status(403, 'Forbidden', `${who} is forbidden: ${message}`, details(r, name)));
  },
  notFound: (r: QualifiedResource, name: string) =>
    new ApiError(status(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name))),
  /** The generic 404 for a path no handler serves. */
  pathNotFound: () => new ApiError(status(404, 'NotFound', 'the server could not find the requested resource', {})),
  alreadyExists: (r: QualifiedResource, name: string) =>
    new ApiError(status(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name))),
  conflict: (r: QualifiedResource, name: string, why: string) =>
    new ApiError(status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name))),
  expired: (message: string) => new ApiError(status(410, 'Expired', message)),
  gone: (message: string) => new ApiError(status(410, 'Gone', message)),
  methodNotAllowed: (_method: string) =>
    new ApiError(status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {}), { Allow: '' }),
  notAcceptable: (accepted: string) =>
    new ApiError(status(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`)),
  unsupportedMediaType: (accepted: string[]) =>
    new ApiError(
      status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
    ),
  tooLarge: (limit: number) =>
    new ApiError(status(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)),
  internal: (message: string) => new ApiError(status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] })),
  /** 422 Invalid: `Kind.group "name" is invalid: cause` or `…: [c1, c2]` (group omitted for core). */
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) => {
    const gk = group ? `${kind}.${group}` : kind;
    const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? ''));
    const agg = texts.length === 0 ? '' : texts.length === 1 ? `: ${texts[0]}` : `: [${texts.join(', ')}]`;
    const d: StatusDetails = { name, ...(group ? { group } : {}), kind, causes };
    return new ApiError(status(422, 'Invalid', `${gk} "${name}" is invalid${agg}`, d));
  },
};

/** One field error as apimachinery's field.Error renders it, for `errors.invalid`. */
export const fieldError = {
  required: (field: string, detail = ''): StatusCause => ({
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  }),
  invalid: (field: string, value: unknown, detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`,
    field,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): StatusCause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${renderValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
    field,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field }),
  duplicate: (field: string, value: unknown): StatusCause => ({
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${renderValue(value)}`,
    field,
  }),
};

/** How apimachinery prints a value in field errors: strings quoted, numbers bare, objects as Go would (approximated with JSON). */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: unknown; reason?: unknown; message?: unknown };
  if (typeof e?.code === 'number' && typeof e.reason === 'string' && typeof e.message === 'string' && e.code >= 400 && e.code < 600) {
    return new ApiError(status(e.code, e.reason, e.message));
  }
  return errors.internal(err instanceof Error ? err.message : String(err));
}

export function successStatus(d: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d, code: 200 } as Status;
}
