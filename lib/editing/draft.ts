/**
 * The edit model under every form and YAML pane: three copies of one resource.
 *
 * - `base`: the object as the form opened it, with its `metadata.resourceVersion` (absent when
 *   creating). The update precondition and the origin of both diffs.
 * - `draft`: the user's edit. Only the user changes it: a watch event never does (editors that
 *   reload on every event erase typing — aptakube#142, openshift/console#1089).
 * - `live`: the newest object the watch delivered (`null` once deleted on the server). When its
 *   resourceVersion differs from base's, the UI shows what changed (`serverChanges`).
 *
 * The draft is the whole object, so fields the form does not know (a newer Istio field, an
 * annotation) ride along untouched in every round trip. All functions are pure: they return a
 * new state and never modify their arguments.
 */
import { diff, type Change } from './diff';
import { clone, isObject, type JsonObject } from './json';
import { getAt, setAt, type Path } from './path';
import { rebase, type RebaseResult } from './rebase';
import { resourceVersionOf, SERVER_MANAGED_PATHS, withoutServerFields } from './server-fields';

/** A Kubernetes object as the API serves it; only what the edit model reads is typed. */
export interface KubeResource {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface EditState<T extends KubeResource = KubeResource> {
  readonly base?: T;
  readonly draft: T;
  /** Newest object seen from the watch; `null`: deleted on the server; absent: not observed. */
  readonly live?: T | null;
}

/** What the apply routes take: an update of `base` to `draft`, or a create when `base` is absent. */
export interface ApplyRequest<T extends KubeResource = KubeResource> {
  base?: T;
  draft: T;
}

/** Where a resource is: `virtualservices`, `default`, `web-service`. */
export interface ResourceRef {
  plural: string;
  namespace: string;
  name: string;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Opens an existing object for editing: base and draft are copies of it, live is it. */
export function openEdit<T extends KubeResource>(obj: T): EditState<T> {
  return { base: clone(obj), draft: clone(obj), live: clone(obj) };
}

/** A create: no base, the draft is `obj` (e.g. a prefilled template). */
export function newEdit<T extends KubeResource>(obj: T): EditState<T> {
  return { draft: clone(obj) };
}

/**
 * A create prefilled from an existing object ("clone"): its spec and unknown fields, labels and
 * annotations (not kubectl's last-applied annotation), under a new name; no server fields.
 */
export function cloneEdit<T extends KubeResource>(obj: T, to: { name: string; namespace?: string }): EditState<T> {
  const copy = withoutServerFields(obj) as T;
  const meta: JsonObject = { ...(copy.metadata ?? {}), name: to.name };
  if (to.namespace !== undefined) meta['namespace'] = to.namespace;
  for (const k of ['ownerReferences', 'finalizers', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName']) delete meta[k];
  if (isObject(meta['annotations'])) {
    const { [LAST_APPLIED]: _dropped, ...rest } = meta['annotations'] as Record<string, string>;
    if (Object.keys(rest).length) meta['annotations'] = rest;
    else delete meta['annotations'];
  }
  return { draft: { ...copy, metadata: meta } as T };
}

/** Replaces the draft (a form or the YAML pane produced a new object). */
export function setDraft<T extends KubeResource>(state: EditState<T>, draft: T): EditState<T> {
  return { ...state, draft };
}

/** Sets one field of the draft (`undefined` removes it); the rest of the object is kept as is. */
export function setField<T extends KubeResource>(state: EditState<T>, path: Path, value: unknown): EditState<T> {
  return { ...state, draft: setAt(state.draft, path, value) };
}

/** Reads one field of the draft. */
export const getField = (state: EditState, path: Path): unknown => getAt(state.draft, path);

/** Records what the watch delivered (`null`: deleted). Never touches base or draft. */
export function observeLive<T extends KubeResource>(state: EditState<T>, live: T | null): EditState<T> {
  return { ...state, live };
}

export type LiveStatus = 'unknown' | 'same' | 'changed' | 'deleted' | 'created';

/**
 * How the server's object relates to the base: `changed` when its resourceVersion moved (show a
 * banner with `serverChanges`), `deleted` when it is gone, `created` when a create's name is now
 * taken, `unknown` before the watch said anything.
 */
export function liveStatus(state: EditState): LiveStatus {
  if (state.live === undefined) return 'unknown';
  if (!state.base) return state.live ? 'created' : 'unknown';
  if (state.live === null) return 'deleted';
  return resourceVersionOf(state.live) === resourceVersionOf(state.base) ? 'same' : 'changed';
}

/** What the user changed (base → draft); for a create, everything in the draft. */
export const pendingChanges = (state: EditState): Change[] => diff(state.base ?? {}, state.draft);

/** True when applying would change something. */
export const isDirty = (state: EditState): boolean => pendingChanges(state).length > 0;

/** What changed on the server since the form opened (base → live). */
export function serverChanges(state: EditState): Change[] {
  return state.base && state.live ? diff(state.base, state.live) : [];
}

/**
 * The body of the update (PUT): the draft carrying **base's** resourceVersion (the precondition:
 * a write by anyone else since makes it fail with 409), without managedFields (the server keeps
 * its own), with apiVersion/kind/name/namespace from base when the draft lost them.
 */
export function updateBody<T extends KubeResource>(req: ApplyRequest<T>): T {
  const base = req.base;
  if (!base) throw new Error('updateBody needs a base (use createBody for a create)');
  const body = clone(req.draft) as KubeResource;
  body.apiVersion ??= base.apiVersion;
  body.kind ??= base.kind;
  const meta: JsonObject = { ...(body.metadata ?? {}) };
  meta['name'] ??= base.metadata?.name;
  meta['namespace'] ??= base.metadata?.namespace;
  delete meta['managedFields'];
  const rv = resourceVersionOf(base);
  if (rv) meta['resourceVersion'] = rv;
  else delete meta['resourceVersion'];
  body.metadata = meta;
  return body as T;
}

/** The body of a create (POST): the draft without any server-managed field. */
export function createBody<T extends KubeResource>(req: ApplyRequest<T>): T {
  return withoutServerFields(req.draft, SERVER_MANAGED_PATHS) as T;
}

/**
 * Rebases the draft onto `live` (after a 409). On success the new state has live as its base and
 * the merged object as its draft, ready for dry-run and update; on conflict the state is unchanged
 * (the draft is never altered) and the conflicts say where.
 */
export function rebaseEdit<T extends KubeResource>(state: EditState<T>, live: T): { state: EditState<T>; result: RebaseResult<T> } {
  if (!state.base) throw new Error('a create has nothing to rebase');
  const result = rebase(state.base, state.draft, live);
  if (result.status === 'conflict') return { state: { ...state, live }, result };
  return { state: { base: clone(live), draft: result.merged, live: clone(live) }, result };
}

/** After a successful apply: the server's answer is the new base, draft and live. */
export function applied<T extends KubeResource>(obj: T): EditState<T> {
  return openEdit(obj);
}

// ---- keeping drafts across reloads (the storage itself is the UI's: localStorage, per tab…) ----

const STORAGE_VERSION = 1;

/** Storage key of a resource's draft in one cluster context: `gatescope.draft/<context>/<plural>/<ns>/<name>`. */
export function draftKey(context: string, ref: ResourceRef): string {
  return ['gatescope.draft', context, ref.plural, ref.namespace, ref.name].map(encodeURIComponent).join('/');
}

/** Serializes an edit (base and draft; live is re-read from the watch) for storage. `savedAt` is a time the caller supplies. */
export function saveEdit(state: EditState, savedAt: number): string {
  return JSON.stringify({ v: STORAGE_VERSION, savedAt, base: state.base, draft: state.draft });
}

/** Restores what `saveEdit` wrote, or undefined when the text is not a saved edit. */
export function loadEdit<T extends KubeResource = KubeResource>(text: string | null | undefined): { state: EditState<T>; savedAt: number } | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v['v'] !== STORAGE_VERSION || !isObject(v['draft'])) return undefined;
  if (v['base'] !== undefined && !isObject(v['base'])) return undefined;
  const state: EditState<T> = v['base'] ? { base: v['base'] as T, draft: v['draft'] as T } : { draft: v['draft'] as T };
  return { state, savedAt: typeof v['savedAt'] === 'number' ? v['savedAt'] : 0 };
}
