/**
 * delete and deletecollection: DeleteOptions (body or query), preconditions, dry-run,
 * propagationPolicy (Background default, Foreground, Orphan) through the garbage collector,
 * finalizers, and namespace deletion (Terminating, then its content, then the namespace).
 * Answers the deleted object or a Success Status as the resource's real registry does.
 */
import type { GarbageCollector } from './gc';
import { matches, parseFilter, select } from './read';
import { asVersion, dryRun, mapStoreError, readBody, respondObject, writeJson, type Scope } from './request';
import { errors, fieldError, successStatus } from './status';
import { isoSeconds, type StoredObject } from './store';

type Obj = Record<string, unknown>;

interface DeleteOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun?: string[];
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

const POLICIES = ['Foreground', 'Background', 'Orphan'];

async function readOptions(s: Scope): Promise<DeleteOptions> {
  const body = await readBody(s.req, s.cfg.maxBodyBytes);
  let opts: DeleteOptions = {};
  if (body.length) {
    try {
      opts = JSON.parse(body.toString('utf8')) as DeleteOptions;
    } catch (e) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
    if (!opts || typeof opts !== 'object' || Array.isArray(opts)) throw errors.badRequest('DeleteOptions must be an object');
  }
  const qp = s.query.get('propagationPolicy');
  if (qp) opts.propagationPolicy = qp;
  if (s.query.get('orphanDependents') !== null) opts.orphanDependents = s.query.get('orphanDependents') === 'true';
  if (opts.propagationPolicy !== undefined && !POLICIES.includes(opts.propagationPolicy)) {
    throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [fieldError.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil'])]);
  }
  return opts;
}

function policyOf(o: DeleteOptions): string {
  if (o.propagationPolicy) return o.propagationPolicy;
  if (o.orphanDependents === true) return 'Orphan';
  return 'Background';
}

export async function handleDelete(s: Scope, gc: GarbageCollector): Promise<void> {
  const opts = await readOptions(s);
  const dry = dryRun(s, 'DeleteOptions', opts.dryRun);
  const store = s.cfg.store;
  const def = s.def;
  const live = store.get(def.key, s.namespace, s.name!);
  if (!live) throw errors.notFound({ group: def.group, resource: def.plural }, s.name!);
  const pre = opts.preconditions ?? {};
  if (pre.uid && pre.uid !== live.metadata.uid) {
    throw errors.conflict({ group: def.group, resource: def.plural }, s.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
    throw errors.conflict({ group: def.group, resource: def.plural }, s.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
  }
  const policy = policyOf(opts);
  const now = isoSeconds(s.cfg.now());
  if (def.kind === 'Namespace') return deleteNamespace(s, live, dry, now);
  const finalizers = live.metadata.finalizers ?? [];
  if (policy === 'Foreground' || finalizers.length > 0) {
    // Graceful: mark the object; it goes away when its finalizers are gone.
    let marked: StoredObject = live;
    if (!dry) {
      try {
        marked = store.mutate(def.key, s.namespace, s.name!, (o) => {
          o.metadata.deletionTimestamp ??= now;
          o.metadata['deletionGracePeriodSeconds'] = 0;
          if (policy === 'Foreground' && !(o.metadata.finalizers ?? []).includes('foregroundDeletion')) o.metadata.finalizers = [...(o.metadata.finalizers ?? []), 'foregroundDeletion'];
          if (policy === 'Orphan') gc.orphan(o.metadata.uid!);
        }) ?? live;
      } catch (e) {
        throw mapStoreError(def, e);
      }
      gc.kick(marked.metadata.uid!);
    } else {
      marked = structuredClone(live);
      marked.metadata.deletionTimestamp ??= now;
    }
    respondObject(s, 200, asVersion(marked, s.apiVersion));
    return;
  }
  if (policy === 'Orphan' && !dry) gc.orphan(live.metadata.uid!);
  let gone: StoredObject;
  try {
    gone = dry ? live : store.delete(def.key, s.namespace, s.name!);
  } catch (e) {
    throw mapStoreError(def, e);
  }
  if (def.returnDeletedObject) respondObject(s, 200, asVersion(gone, s.apiVersion));
  else writeJson(s.res, 200, JSON.stringify(successStatus({ name: s.name!, ...(def.group ? { group: def.group } : {}), kind: def.plural, uid: live.metadata.uid })));
}

function deleteNamespace(s: Scope, live: StoredObject, dry: boolean, now: string): void {
  const store = s.cfg.store;
  const name = live.metadata.name;
  if (dry) {
    const o = structuredClone(live);
    o.metadata.deletionTimestamp ??= now;
    (o as Obj)['status'] = { phase: 'Terminating' };
    respondObject(s, 200, o as Obj);
    return;
  }
  const marked =
    store.mutate('core/namespaces', undefined, name, (o) => {
      o.metadata.deletionTimestamp ??= now;
      o.metadata['deletionGracePeriodSeconds'] = 0;
      (o as Obj)['status'] = { ...((o as Obj)['status'] as Obj | undefined), phase: 'Terminating' };
    }) ?? live;
  respondObject(s, 200, marked as Obj);
  // The namespace controller: delete the content, then the namespace.
  setImmediate(() => {
    for (const r of s.cfg.reg.resources) {
      if (!r.namespaced || r.virtual) continue;
      for (const o of [...store.peek(r.key)]) {
        if (o.metadata.namespace !== name) continue;
        try {
          store.delete(r.key, name, o.metadata.name);
        } catch {
          /* already gone */
        }
      }
    }
    try {
      store.delete('core/namespaces', undefined, name);
    } catch {
      /* already gone */
    }
  });
}

export async function handleDeleteCollection(s: Scope): Promise<void> {
  const opts = await readOptions(s);
  const dry = dryRun(s, 'DeleteOptions', opts.dryRun);
  const f = parseFilter(s);
  const { items } = select(s, f);
  const deleted: Obj[] = [];
  for (const o of items) {
    if (!matches(s, f, o)) continue;
    try {
      deleted.push(asVersion(dry ? o : s.cfg.store.delete(s.def.key, o.metadata.namespace, o.metadata.name), s.apiVersion));
    } catch {
      /* deleted meanwhile */
    }
  }
  writeJson(s.res, 200, JSON.stringify({ kind: s.def.listKind, apiVersion: s.apiVersion, metadata: { resourceVersion: String(s.cfg.store.resourceVersion) }, items: deleted }));
}

