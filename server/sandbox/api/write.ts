/**
 * create (POST), update (PUT) and patch (PATCH) of resources and of their `status` and `scale`
 * subresources, including server-side apply. Each builds the candidate object and hands it to
 * `admit`.
 */
import { parse as parseYaml } from 'yaml';
import { admit, inspect, out } from './admit';
import { reviewAccess, reviewRules, reviewSelf } from './authz';
import { serverSideApply } from './field-manager';
import { mediaType, PATCH_TYPES } from './negotiate';
import { applyJsonPatch } from './patch/json';
import { applyMergePatch } from './patch/merge';
import { applyStrategicPatch } from './patch/strategic';
import { checkDepth, checkTypeMeta, decodeBody, dryRun, fieldManager, fieldValidation, readBody, respondObject, writeJson, type Scope } from './request';
import { formatLabelSelector } from './selectors';
import { errors } from './status';
import { isoSeconds, randomSuffix, type StoredObject } from './store';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const meta = (o: Obj) => (isObj(o['metadata']) ? o['metadata'] : (o['metadata'] = {})) as Obj;

function namespaceMustAllowCreate(s: Scope): void {
  if (!s.def.namespaced) return;
  const ns = s.cfg.store.get('core/namespaces', undefined, s.namespace!);
  if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, s.namespace!);
  if (ns.metadata.deletionTimestamp || (ns['status'] as Obj | undefined)?.['phase'] === 'Terminating') {
    throw errors.forbidden({ group: s.def.group, resource: s.def.plural }, String(s.name ?? ''), `unable to create new content in namespace ${s.namespace} because it is being terminated`);
  }
}

function checkNamespace(s: Scope, o: Obj, create: boolean): void {
  const m = meta(o);
  if (!s.def.namespaced) return;
  const ns = m['namespace'];
  if (ns !== undefined && ns !== '' && ns !== s.namespace) {
    throw errors.badRequest(
      create
        ? 'the namespace of the provided object does not match the namespace sent on the request'
        : `the namespace of the object (${String(ns)}) does not match the namespace on the request (${s.namespace})`,
    );
  }
  m['namespace'] = s.namespace;
}

export async function handleCreate(s: Scope): Promise<void> {
  const body = await readBody(s.req, s.cfg.maxBodyBytes);
  const dry = dryRun(s, 'CreateOptions');
  const validation = fieldValidation(s, 'CreateOptions');
  const manager = fieldManager(s, 'CreateOptions');
  const { obj, json } = decodeBody(s, body);
  checkTypeMeta(s, obj);
  if (s.def.virtual) {
    const review = s.def.kind === 'SelfSubjectRulesReview' ? reviewRules(s.user, obj) : s.def.kind === 'SelfSubjectReview' ? reviewSelf(s.user, obj) : reviewAccess(s.user, obj);
    writeJson(s.res, 201, JSON.stringify(review));
    return;
  }
  checkNamespace(s, obj, true);
  const m = meta(obj);
  if (m['resourceVersion'] !== undefined && m['resourceVersion'] !== '') throw errors.badRequest('resourceVersion should not be set on objects to be created');
  if (!m['name'] && typeof m['generateName'] === 'string' && m['generateName']) {
    // Generated like the store does, so that validation sees the final name.
    m['name'] = `${m['generateName']}${randomSuffix(5)}`;
  }
  s.name = String(m['name'] ?? '');
  namespaceMustAllowCreate(s);
  const created = admit(s, obj, { op: 'create', manager, validation, json, dryRun: dry });
  respondObject(s, 201, out(s, created));
}

function current(s: Scope): StoredObject {
  const o = s.cfg.store.get(s.def.key, s.namespace, s.name!);
  if (!o) throw errors.notFound({ group: s.def.group, resource: s.def.plural }, s.name!);
  return o;
}

function checkName(s: Scope, o: Obj): void {
  const n = meta(o)['name'];
  if (n !== undefined && n !== s.name) throw errors.badRequest(`the name of the object (${String(n)}) does not match the name on the URL (${s.name})`);
  meta(o)['name'] = s.name;
}

export async function handleUpdate(s: Scope): Promise<void> {
  const body = await readBody(s.req, s.cfg.maxBodyBytes);
  const dry = dryRun(s, 'UpdateOptions');
  const validation = fieldValidation(s, 'UpdateOptions');
  const manager = fieldManager(s, 'UpdateOptions');
  const { obj, json } = decodeBody(s, body);
  if (s.subresource === 'scale') return writeScale(s, obj, dry, manager);
  checkTypeMeta(s, obj);
  checkName(s, obj);
  checkNamespace(s, obj, false);
  const live = current(s);
  const rv = meta(obj)['resourceVersion'];
  if (s.def.custom && (rv === undefined || rv === '')) {
    throw errors.invalid(s.def.kind, s.def.group, s.name!, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
  }
  const next = s.subresource === 'status' ? statusOnly(live, obj, s) : obj;
  const updated = admit(s, next, { op: 'update', live, manager, validation, json, dryRun: dry, subresource: s.subresource === 'status' ? 'status' : undefined });
  respondObject(s, 200, out(s, updated));
}

/** A write to the status subresource changes only status (and honours the resourceVersion precondition). */
function statusOnly(live: StoredObject, candidate: Obj, s: Scope): Obj {
  const next = structuredClone(live) as Obj;
  next['apiVersion'] = s.apiVersion;
  if (candidate['status'] === undefined) delete next['status'];
  else next['status'] = candidate['status'];
  const rv = meta(candidate)['resourceVersion'];
  meta(next)['resourceVersion'] = rv === undefined || rv === '' ? live.metadata.resourceVersion : rv;
  return next;
}

function scaleOf(s: Scope, o: StoredObject): Obj {
  const spec = (o['spec'] ?? {}) as Obj;
  const st = (o['status'] ?? {}) as Obj;
  const m = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1 },
    status: { replicas: typeof st['replicas'] === 'number' ? st['replicas'] : 0, selector: formatLabelSelector(spec['selector']).replace(/^<none>$/, '') },
  };
}

export function handleGetScale(s: Scope): void {
  writeJson(s.res, 200, JSON.stringify(scaleOf(s, current(s))));
}

function writeScale(s: Scope, scale: Obj, dry: boolean, manager: string): void {
  const live = current(s);
  const av = scale['apiVersion'];
  if (av !== undefined && av !== 'autoscaling/v1') throw errors.badRequest(`the API version in the data (${String(av)}) does not match the expected API version (autoscaling/v1)`);
  const replicas = (scale['spec'] as Obj | undefined)?.['replicas'];
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
    throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (typeof replicas === 'number' && replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', s.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  const next = structuredClone(live) as Obj;
  next['apiVersion'] = s.apiVersion;
  ((next['spec'] ??= {}) as Obj)['replicas'] = replicas ?? 0;
  const rv = (scale['metadata'] as Obj | undefined)?.['resourceVersion'];
  if (typeof rv === 'string' && rv) meta(next)['resourceVersion'] = rv;
  const updated = admit(s, next, { op: 'update', live, manager, validation: 'Ignore', dryRun: dry, skipUnknownCheck: true });
  writeJson(s.res, 200, JSON.stringify(scaleOf(s, updated)));
}

export async function handlePatch(s: Scope): Promise<void> {
  const type = mediaType(s.req.headers['content-type']);
  const accepted: string[] = [PATCH_TYPES.json, PATCH_TYPES.merge, ...(s.def.custom ? [] : [PATCH_TYPES.strategic]), PATCH_TYPES.apply];
  if (!accepted.includes(type)) throw errors.unsupportedMediaType(accepted);
  const body = await readBody(s.req, s.cfg.maxBodyBytes);
  const isApply = type === PATCH_TYPES.apply;
  const dry = dryRun(s, 'PatchOptions');
  const validation = fieldValidation(s, 'PatchOptions');
  const manager = fieldManager(s, 'PatchOptions', isApply);
  const forceParam = s.query.get('force');
  if (forceParam !== null && !isApply) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }]);
  const text = body.toString('utf8');
  if (isApply) return applyPatch(s, text, manager, forceParam === 'true', dry, validation);
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  checkDepth(patch);
  const live = current(s);
  const isScale = s.subresource === 'scale';
  const base: Obj = isScale ? scaleOf(s, live) : (structuredClone(out(s, live)) as Obj);
  const schema = isScale ? undefined : s.def.schema(s.version);
  const patched = type === PATCH_TYPES.json ? applyJsonPatch(base, patch) : type === PATCH_TYPES.merge ? applyMergePatch(base, patch) : applyStrategicPatch(base, patch, schema);
  if (isScale) return writeScale(s, patched, dry, manager);
  if (meta(patched)['name'] !== s.name) throw errors.badRequest(`the name of the object (${String(meta(patched)['name'])}) does not match the name on the URL (${s.name})`);
  if (s.def.namespaced && meta(patched)['namespace'] !== s.namespace) {
    throw errors.badRequest(`the namespace of the object (${String(meta(patched)['namespace'])}) does not match the namespace on the request (${s.namespace})`);
  }
  checkTypeMeta(s, patched);
  const next = s.subresource === 'status' ? statusOnly(live, patched, s) : patched;
  const updated = admit(s, next, { op: 'update', live, manager, validation, dryRun: dry, subresource: s.subresource === 'status' ? 'status' : undefined });
  respondObject(s, 200, out(s, updated));
}

async function applyPatch(s: Scope, text: string, manager: string, force: boolean, dry: boolean, validation: 'Strict' | 'Warn' | 'Ignore'): Promise<void> {
  let config: unknown;
  try {
    config = parseYaml(text, { uniqueKeys: validation === 'Strict' });
  } catch (e) {
    throw errors.badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  checkDepth(config);
  if (!isObj(config)) throw errors.badRequest('error decoding YAML: the applied configuration must be an object');
  if (!config['apiVersion'] || !config['kind']) {
    throw errors.badRequest(`invalid object type: ${String(config['apiVersion'] ?? '')}, Kind=${String(config['kind'] ?? '')}`);
  }
  if (s.subresource === 'scale') return writeScale(s, applyMergePatch(scaleOf(s, current(s)), config), dry, manager);
  checkTypeMeta(s, config);
  checkName(s, config);
  checkNamespace(s, config, false);
  const found = inspect(s, config, false);
  if (found.typeError && !s.def.custom) throw errors.badRequest(`failed to create typed patch object (${s.apiVersion}, Kind=${s.def.kind}): ${found.typeError}`);
  if (found.unknown.length) {
    if (validation === 'Strict') {
      throw errors.badRequest(`failed to create typed patch object (${s.apiVersion}, Kind=${s.def.kind}): ${found.unknown.map((u) => `.${u}: field not declared in schema`).join(', ')}`);
    }
    if (validation === 'Warn') s.warnings.push(...found.unknown.map((u) => `unknown field "${u}"`));
  }
  if (found.unknown.length) inspect(s, config, true);
  const live = s.cfg.store.get(s.def.key, s.namespace, s.name!);
  if (!live) {
    if (s.subresource) throw errors.notFound({ group: s.def.group, resource: s.def.plural }, s.name!);
    namespaceMustAllowCreate(s);
  }
  const hasStatus = s.def.subresources.includes('status');
  const scope = {
    schema: s.def.schema(s.version),
    apiVersion: s.apiVersion,
    subresource: s.subresource === 'status' ? 'status' : undefined,
    statusSubresource: hasStatus,
    now: isoSeconds(s.cfg.now()),
  };
  const liveV = live ? (out(s, live) as Obj) : undefined;
  let merged = serverSideApply(liveV, config, manager, force, scope);
  if (s.subresource === 'status' && live) {
    const next = statusOnly(live, merged, s);
    meta(next)['managedFields'] = meta(merged)['managedFields'];
    merged = next;
  }
  const rv = (config['metadata'] as Obj | undefined)?.['resourceVersion'];
  if (live && (rv === undefined || rv === '')) meta(merged)['resourceVersion'] = live.metadata.resourceVersion;
  const result = admit(s, merged, {
    op: live ? 'update' : 'create',
    live,
    manager,
    validation,
    dryRun: dry,
    skipFieldTracking: true,
    skipUnknownCheck: true,
    subresource: s.subresource === 'status' ? 'status' : undefined,
  });
  respondObject(s, live ? 200 : 201, out(s, result));
}
