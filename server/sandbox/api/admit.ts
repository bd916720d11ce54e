/**
 * The write pipeline every create/update/patch/apply goes through once the candidate object is
 * known: field validation (unknown and duplicate fields; type errors), defaulting, status reset
 * for kinds with a status subresource, semantic validation (422), managedFields, persistence
 * (dry-run aware, resourceVersion precondition), and finalization of objects being deleted.
 */
import { validateCustomResource } from './crd-validation';
import { applyDefaults, initialStatus } from './defaults';
import { trackUpdate } from './field-manager';
import { duplicateFields } from './json-dup';
import { asVersion, mapStoreError, type FieldValidation, type Scope } from './request';
import { checkSchema } from './schema-check';
import { objectMeta } from './schemas/meta';
import { errors, fieldError, type StatusCause } from './status';
import { isoSeconds, type StoredObject } from './store';
import { kindErrors, metadataErrors } from './validation';

type Obj = Record<string, unknown>;

export interface AdmitOptions {
  op: 'create' | 'update';
  live?: StoredObject;
  manager: string;
  validation: FieldValidation;
  /** JSON text of the request body, for duplicate-field detection. */
  json?: string;
  dryRun: boolean;
  /** managedFields were already computed (server-side apply). */
  skipFieldTracking?: boolean;
  /** Unknown fields were already handled (server-side apply checks the applied configuration). */
  skipUnknownCheck?: boolean;
  /** The write came through the status subresource. */
  subresource?: 'status';
}

/**
 * Unknown fields (paths) of `o` against the kind's schema and ObjectMeta, type errors of built-in
 * kinds, and (custom resources) the CRD validation causes. With `prune`, `o` is rewritten in place
 * to what the server stores (unknown fields dropped; for custom resources also CRD defaults).
 */
export function inspect(s: Scope, o: Obj, prune: boolean, live?: Obj): { unknown: string[]; typeError?: string; causes: StatusCause[] } {
  const schema = s.def.schema(s.version);
  if (!schema) return { unknown: [], causes: [] };
  if (s.def.custom) {
    const meta = o['metadata'] && typeof o['metadata'] === 'object' ? o['metadata'] : {};
    const m = checkSchema(objectMeta, prune ? meta : structuredClone(meta), { path: 'metadata', prune });
    const r = validateCustomResource(schema, o, live);
    if (prune) {
      for (const k of Object.keys(o)) delete o[k];
      Object.assign(o, r.object);
    }
    return { unknown: [...m.unknown, ...r.unknownFields], typeError: m.typeErrors[0]?.goMessage, causes: r.causes };
  }
  const r = checkSchema(schema, prune ? o : structuredClone(o), { prune });
  return { unknown: r.unknown, typeError: r.typeErrors[0]?.goMessage, causes: [] };
}

/** Applies fieldValidation: throws the strict decoding error, or records warnings; prunes unknown fields. */
export function fieldValidate(s: Scope, o: Obj, opts: { validation: FieldValidation; json?: string; live?: Obj }): StatusCause[] {
  const first = inspect(s, o, false, opts.live);
  if (first.typeError) {
    throw errors.badRequest(`${s.def.kind} in version "${s.version}" cannot be handled as a ${s.def.kind}: ${first.typeError}`);
  }
  let unknown = first.unknown;
  if (unknown.length && opts.live) {
    const before = new Set(inspect(s, structuredClone(opts.live), false).unknown);
    unknown = unknown.filter((u) => !before.has(u));
  }
  const dups = opts.json && opts.validation !== 'Ignore' ? duplicateFields(opts.json) : [];
  const problems = [...unknown.map((u) => `unknown field "${u}"`), ...dups.map((d) => `duplicate field "${d}"`)];
  if (problems.length && opts.validation === 'Strict') {
    throw errors.badRequest(`${s.def.kind} in version "${s.version}" cannot be handled as a ${s.def.kind}: strict decoding error: ${problems.join(', ')}`);
  }
  if (opts.validation === 'Warn') s.warnings.push(...problems);
  if (first.unknown.length) inspect(s, o, true, opts.live);
  return first.causes;
}

const meta = (o: Obj) => (o['metadata'] ??= {}) as Obj;

export function admit(s: Scope, next: Obj, opts: AdmitOptions): StoredObject {
  const def = s.def;
  const store = s.cfg.store;
  const nowDate = s.cfg.now();
  if (!opts.skipUnknownCheck) fieldValidate(s, next, { validation: opts.validation, json: opts.json, live: opts.live });
  const m = meta(next);
  if (opts.op === 'create') {
    delete m['uid'];
    delete m['creationTimestamp'];
    delete m['deletionTimestamp'];
    delete m['deletionGracePeriodSeconds'];
    delete m['generation'];
    delete m['selfLink'];
  }
  if (!def.custom) applyDefaults(def.kind, next);
  const hasStatus = def.subresources.includes('status');
  if (hasStatus && opts.subresource !== 'status') {
    if (opts.op === 'create') {
      const st = initialStatus(def.kind);
      if (st) next['status'] = st;
      else delete next['status'];
    } else if (opts.live?.['status'] !== undefined) next['status'] = structuredClone(opts.live['status']);
    else delete next['status'];
  }
  if (!def.namespaced) delete m['namespace'];
  // Custom resources are validated (and pruned, defaulted) as they will be stored: after the status reset.
  const schemaCauses: StatusCause[] = def.custom ? inspect(s, next, true, opts.live as Obj | undefined).causes : [];
  const causes = [...metadataErrors(def, next), ...kindErrors(def, next, opts.op === 'update' ? (opts.live as Obj) : undefined), ...schemaCauses];
  if (opts.live && m['name'] !== opts.live.metadata.name) causes.push(fieldError.invalid('metadata.name', m['name'], 'field is immutable'));
  if (causes.length) throw errors.invalid(def.kind, def.group, String(m['name'] ?? ''), causes);
  if (!opts.skipFieldTracking) {
    trackUpdate(opts.live as Obj | undefined, next, opts.manager, {
      schema: def.schema(s.version),
      apiVersion: s.apiVersion,
      subresource: opts.subresource,
      statusSubresource: hasStatus,
      now: isoSeconds(nowDate),
    });
  }
  const stored = { ...next, apiVersion: storageApiVersion(s) } as StoredObject;
  try {
    if (opts.op === 'create') return store.create(def.key, stored, { dryRun: opts.dryRun });
    const out = store.update(def.key, stored, { dryRun: opts.dryRun });
    if (!opts.dryRun && out.metadata.deletionTimestamp && !(out.metadata.finalizers?.length)) {
      // The last finalizer of an object being deleted is gone: it goes away now.
      return store.delete(def.key, out.metadata.namespace, out.metadata.name);
    }
    return out;
  } catch (e) {
    throw mapStoreError(def, e);
  }
}

export function storageApiVersion(s: Scope): string {
  return s.def.group ? `${s.def.group}/${s.def.storageVersion}` : s.def.storageVersion;
}

export const out = (s: Scope, o: StoredObject) => asVersion(o, s.apiVersion);
