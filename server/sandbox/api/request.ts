/**
 * Per-request plumbing shared by the REST handlers: the request scope, bounded body reading and
 * decoding, write options (dryRun, fieldManager, fieldValidation), response writing with content
 * negotiation and `Warning` headers, and mapping store errors to Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { negotiate, mediaType } from './negotiate';
import { decodeProtobufObject, PROTOBUF_KINDS } from './proto';
import { apiVersionOf, qualifiedOf, type Registry, type ResourceDef } from './registry';
import { ApiError, errors, fieldError, status, type Status } from './status';
import { StoreError, type Store, type StoredObject } from './store';
import { parseIncludeObject, rowFor, tableHead } from './table';
import type { AuthenticatedUser } from './types';

type Obj = Record<string, unknown>;

export interface ServerConfig {
  store: Store;
  reg: Registry;
  maxBodyBytes: number;
  bookmarkIntervalMs: number;
  defaultWatchTimeoutSeconds: number;
  now: () => Date;
  /** Open watches of this server (closed on shutdown). */
  watches: Set<{ close(): void; stalled?: boolean }>;
}

export interface Scope {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: URLSearchParams;
  user: AuthenticatedUser;
  cfg: ServerConfig;
  def: ResourceDef;
  group: string;
  version: string;
  /** apiVersion of the request: `v1`, `networking.istio.io/v1beta1`. */
  apiVersion: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Warning headers to send (`unknown field "spec.foo"`). */
  warnings: string[];
}

export function makeScope(base: Omit<Scope, 'apiVersion' | 'warnings'>): Scope {
  return { ...base, apiVersion: apiVersionOf(base.group, base.version), warnings: [] };
}

/** Reads the request body, answering 413 beyond `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(errors.tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(errors.tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => !failed && reject(errors.badRequest(`error reading request body: ${e.message}`)));
    // A client that goes away mid-body must not leave the handler waiting forever.
    req.on('close', () => !ended && !failed && reject(errors.badRequest('the request body was cut short')));
  });
}

export interface Decoded {
  obj: Obj;
  /** The JSON text when the body was JSON (for duplicate-field detection). */
  json?: string;
}

/** Decodes a create/update body (JSON or YAML) into an object. */
export function decodeBody(s: Scope, body: Buffer): Decoded {
  const type = mediaType(s.req.headers['content-type']) || 'application/json';
  const text = body.toString('utf8');
  let value: unknown;
  if (type === 'application/json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  } else if (type === 'application/yaml' || type === 'text/yaml') {
    try {
      value = parseYaml(text);
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  } else if (type === 'application/vnd.kubernetes.protobuf' && PROTOBUF_KINDS.has(s.def.kind)) {
    value = decodeProtobufObject(body);
  } else {
    throw errors.unsupportedMediaType(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  }
  checkDepth(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  return { obj: value as Obj, json: type === 'application/json' ? text : undefined };
}

const MAX_DEPTH = 10_000;

/** Rejects absurdly nested bodies before any recursive code sees them (iterative walk). */
export function checkDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) throw errors.badRequest('json: exceeded max depth');
    if (v && typeof v === 'object') for (const c of Object.values(v)) if (c && typeof c === 'object') stack.push([c, d + 1]);
  }
}

/** Checks (and fills in) apiVersion/kind of a decoded body against the URL. */
export function checkTypeMeta(s: Scope, o: Obj, kind = s.def.kind, apiVersion = s.apiVersion): void {
  const av = o['apiVersion'];
  const k = o['kind'];
  const m = o['metadata'];
  if (m !== undefined && m !== null && (typeof m !== 'object' || Array.isArray(m))) {
    throw errors.badRequest(`${kind} in version "${s.version}" cannot be handled as a ${kind}: json: cannot unmarshal ${Array.isArray(m) ? 'array' : typeof m} into Go struct field ${kind}.metadata of type v1.ObjectMeta`);
  }
  if (m === null) delete o['metadata'];
  if ((av !== undefined && typeof av !== 'string') || (k !== undefined && typeof k !== 'string')) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${typeof (typeof av !== 'string' ? av : k)} into Go struct field .apiVersion of type string`);
  }
  if (av !== undefined && av !== '' && av !== apiVersion) {
    throw errors.badRequest(`the API version in the data (${String(av)}) does not match the expected API version (${apiVersion})`);
  }
  if (k !== undefined && k !== '' && k !== kind) {
    throw errors.badRequest(`${kind} in version "${s.version}" cannot be handled as a ${kind}: the kind in the body (${String(k)}) does not match the kind of the resource (${kind})`);
  }
  o['apiVersion'] = apiVersion;
  o['kind'] = kind;
}

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

function optionsInvalid(kind: OptionsKind, cause: ReturnType<typeof fieldError.invalid>): ApiError {
  return errors.invalid(kind, 'meta.k8s.io', '', [cause]);
}

/** `dryRun=All` → true; absent → false; anything else → 422 on the options, as the apiserver validates them. */
export function dryRun(s: Scope, kind: OptionsKind, extra?: unknown): boolean {
  const values = [...s.query.getAll('dryRun'), ...(Array.isArray(extra) ? extra.map(String) : [])];
  for (const v of values) if (v !== 'All') throw optionsInvalid(kind, fieldError.notSupported('dryRun', v, ['All']));
  return values.length > 0;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidation(s: Scope, kind: OptionsKind): FieldValidation {
  const v = s.query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw optionsInvalid(kind, fieldError.notSupported('fieldValidation', v, ['', 'Ignore', 'Strict', 'Warn']));
}

/** The field manager of a write: the `fieldManager` parameter, else the User-Agent's first word. */
export function fieldManager(s: Scope, kind: OptionsKind, required = false): string {
  const given = s.query.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > 128) throw optionsInvalid(kind, { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 128 bytes', field: 'fieldManager' });
    return given;
  }
  if (required) throw optionsInvalid(kind, fieldError.required('fieldManager', 'is required for apply patch'));
  const ua = String(s.req.headers['user-agent'] ?? '');
  return (ua.split('/')[0] ?? '').slice(0, 128) || 'unknown';
}

export function mapStoreError(def: ResourceDef, e: unknown): unknown {
  if (!(e instanceof StoreError)) return e;
  const q = qualifiedOf(def);
  const name = /"([^"]*)"/.exec(e.message)?.[1] ?? '';
  const d: Record<string, string> = {};
  if (name) d['name'] = name;
  if (q.group) d['group'] = q.group;
  d['kind'] = q.resource;
  return new ApiError(status(e.code, e.reason, e.message, e.code === 410 ? undefined : d));
}

/** A stored object as the request's version shows it. */
export function asVersion(o: StoredObject | Obj, apiVersion: string): Obj {
  return o['apiVersion'] === apiVersion ? (o as Obj) : { ...o, apiVersion };
}

export function setWarnings(s: Scope): void {
  if (s.warnings.length) s.res.setHeader('Warning', s.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

export function writeJson(res: ServerResponse, code: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function writeStatus(res: ServerResponse, err: ApiError | Status): void {
  const st = err instanceof ApiError ? err.status : err;
  const headers = err instanceof ApiError ? Object.fromEntries(Object.entries(err.headers).filter(([, v]) => v)) : {};
  writeJson(res, st.code, JSON.stringify(st), headers);
}

/** Answers one object, in the representation the Accept header asks for. */
export function respondObject(s: Scope, code: number, o: Obj): void {
  const rep = negotiate(s.req.headers.accept, { resource: true });
  setWarnings(s);
  if (rep.kind === 'table') {
    const meta = (o['metadata'] ?? {}) as Obj;
    const table = tableHead(s.def, s.version, rep.version, { resourceVersion: meta['resourceVersion'] ?? '' });
    table['rows'] = [rowFor(s.def, s.version, o, parseIncludeObject(s.query.get('includeObject')), rep.version, s.cfg.now())];
    return writeJson(s.res, code, JSON.stringify(table));
  }
  if (rep.kind === 'partial') {
    return writeJson(s.res, code, JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rep.version}`, metadata: o['metadata'] }));
  }
  if (rep.kind === 'yaml') {
    const body = toYaml(o);
    s.res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(body) });
    s.res.end(body);
    return;
  }
  writeJson(s.res, code, JSON.stringify(o));
}
