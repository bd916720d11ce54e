/**
 * Field ownership (metadata.managedFields) as structured-merge-diff keeps it: field sets encoded as
 * FieldsV1 (`f:` fields, `k:` keyed list items, `v:` set values), ownership transfer on updates,
 * and the typed merge / prune / conflict detection of server-side apply.
 *
 * Lists are associative only where the schema says so (`x-kubernetes-list-type: map` with
 * `x-kubernetes-list-map-keys`, or `set`); everything else is atomic — which is all of Istio's
 * lists, whose CRDs carry no list-type markers.
 */
import type { JsonSchema } from './istio-crds';

type Obj = Record<string, unknown>;
/** A path is a list of FieldsV1 elements (`f:spec`, `k:{"name":"a"}`, `v:"x"`, `i:0`) joined by '\n'. */
export type FieldSet = Set<string>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

const SEP = '\n';
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const join = (base: string, el: string) => (base ? base + SEP + el : el);

/** Top-level and metadata fields the server owns; never part of any manager's set. */
const IGNORED_TOP = new Set(['apiVersion', 'kind']);
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

function sub(s: JsonSchema | undefined, key: string): JsonSchema | undefined {
  if (!s) return undefined;
  const p = s.properties?.[key];
  if (p) return p;
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties;
  return undefined;
}

type ListKind = { type: 'map'; keys: string[] } | { type: 'set' } | { type: 'atomic' };

function listKind(s: JsonSchema | undefined): ListKind {
  const lt = s?.['x-kubernetes-list-type'];
  if (lt === 'map') {
    const keys = (s?.['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [];
    if (keys.length) return { type: 'map', keys };
  }
  if (lt === 'set') return { type: 'set' };
  return { type: 'atomic' };
}

const atomicMap = (s: JsonSchema | undefined) => s?.['x-kubernetes-map-type'] === 'atomic';

/**
 * `k:{"name":"a"}` (fields sorted by name, as structured-merge-diff serialises keys). A key field
 * the item omits takes the schema's default (`protocol: TCP`), as structured-merge-diff does.
 */
function keyElement(item: Obj, keys: string[], itemSchema?: JsonSchema): string {
  const o: Obj = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? itemSchema?.properties?.[k]?.default;
    if (v !== undefined) o[k] = v;
  }
  return `k:${JSON.stringify(o)}`;
}

/** The field set of an object, as ToFieldSet does (leaves; keyed list items also as themselves). */
export function fieldSetOf(obj: Obj, schema: JsonSchema | undefined, opts: { onlyStatus?: boolean; dropStatus?: boolean } = {}): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (IGNORED_TOP.has(k) || v === undefined) continue;
    if (opts.onlyStatus && k !== 'status') continue;
    if (opts.dropStatus && k === 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (IGNORED_META.has(mk) || mv === undefined) continue;
        collect(mv, sub(sub(schema, 'metadata'), mk), join('f:metadata', `f:${mk}`), out);
      }
      continue;
    }
    collect(v, sub(schema, k), `f:${k}`, out);
  }
  return out;
}

function collect(v: unknown, s: JsonSchema | undefined, path: string, out: FieldSet): void {
  if (isObj(v) && !atomicMap(s) && Object.keys(v).length > 0) {
    for (const [k, c] of Object.entries(v)) if (c !== undefined) collect(c, sub(s, k), join(path, `f:${k}`), out);
    return;
  }
  if (Array.isArray(v)) {
    const lk = listKind(s);
    if (lk.type === 'map' && v.length > 0 && v.every(isObj)) {
      for (const item of v as Obj[]) {
        const ip = join(path, keyElement(item, lk.keys, s?.items));
        out.add(ip);
        for (const [k, c] of Object.entries(item)) if (c !== undefined) collect(c, sub(s?.items, k), join(ip, `f:${k}`), out);
      }
      return;
    }
    if (lk.type === 'set' && v.length > 0) {
      for (const x of v) out.add(join(path, `v:${JSON.stringify(x)}`));
      return;
    }
  }
  out.add(path);
}

// ---- FieldsV1 encoding ----

export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  const members = new Set<Obj>();
  for (const p of set) {
    let node = root;
    for (const el of p.split(SEP)) {
      if (!isObj(node[el])) node[el] = {};
      node = node[el] as Obj;
    }
    members.add(node);
  }
  const finish = (node: Obj): Obj => {
    const keys = Object.keys(node).sort();
    const out: Obj = {};
    if (keys.length > 0 && members.has(node)) out['.'] = {};
    for (const k of keys) out[k] = finish(node[k] as Obj);
    return out;
  };
  return finish(root);
}

export function fromFieldsV1(f: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Obj, path: string) => {
    for (const [k, c] of Object.entries(node)) {
      if (k === '.') {
        if (path) out.add(path);
        continue;
      }
      const p = join(path, k);
      if (isObj(c) && Object.keys(c).length > 0) walk(c, p);
      else out.add(p);
    }
  };
  if (isObj(f)) walk(f, '');
  return out;
}

/** `.spec.containers[name="web"].image`, as structured-merge-diff prints paths in conflicts. */
export function pathString(p: string): string {
  let out = '';
  for (const el of p.split(SEP)) {
    const kind = el.slice(0, 2);
    const rest = el.slice(2);
    if (kind === 'f:') out += `.${rest}`;
    else if (kind === 'i:') out += `[${rest}]`;
    else if (kind === 'v:') out += `[=${rest}]`;
    else if (kind === 'k:') {
      const o = JSON.parse(rest) as Obj;
      out += `[${Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else out += `.${el}`;
  }
  return out;
}

// ---- comparison ----

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function compare(oldObj: Obj, newObj: Obj, schema: JsonSchema | undefined, opts: { dropStatus?: boolean; onlyStatus?: boolean } = {}): Comparison {
  const c: Comparison = { added: new Set(), removed: new Set(), modified: new Set() };
  const strip = (o: Obj) => {
    const r: Obj = {};
    for (const [k, v] of Object.entries(o)) {
      if (IGNORED_TOP.has(k)) continue;
      if (opts.dropStatus && k === 'status') continue;
      if (opts.onlyStatus && k !== 'status') continue;
      if (k === 'metadata' && isObj(v)) {
        const m: Obj = {};
        for (const [mk, mv] of Object.entries(v)) if (!IGNORED_META.has(mk)) m[mk] = mv;
        r[k] = m;
      } else r[k] = v;
    }
    return r;
  };
  cmpMap(strip(oldObj), strip(newObj), schema, '', c);
  return c;
}

function addAll(v: unknown, s: JsonSchema | undefined, path: string, into: FieldSet): void {
  collect(v, s, path, into);
}

function cmpValue(a: unknown, b: unknown, s: JsonSchema | undefined, path: string, c: Comparison): void {
  if (isObj(a) && isObj(b) && !atomicMap(s) && Object.keys(a).length > 0 && Object.keys(b).length > 0) return cmpMap(a, b, s, path, c);
  if (Array.isArray(a) && Array.isArray(b)) {
    const lk = listKind(s);
    if (lk.type === 'map' && a.every(isObj) && b.every(isObj) && a.length > 0 && b.length > 0) {
      const am = new Map((a as Obj[]).map((x) => [keyElement(x, lk.keys, s?.items), x]));
      const bm = new Map((b as Obj[]).map((x) => [keyElement(x, lk.keys, s?.items), x]));
      for (const [k, x] of am) {
        const ip = join(path, k);
        const y = bm.get(k);
        if (y === undefined) {
          c.removed.add(ip);
          for (const [fk, fv] of Object.entries(x)) collect(fv, sub(s?.items, fk), join(ip, `f:${fk}`), c.removed);
        } else cmpMap(x, y, s?.items, ip, c);
      }
      for (const [k, y] of bm) {
        if (am.has(k)) continue;
        const ip = join(path, k);
        c.added.add(ip);
        for (const [fk, fv] of Object.entries(y)) collect(fv, sub(s?.items, fk), join(ip, `f:${fk}`), c.added);
      }
      return;
    }
    if (lk.type === 'set' && a.length > 0 && b.length > 0) {
      const as = new Set(a.map((x) => JSON.stringify(x)));
      const bs = new Set(b.map((x) => JSON.stringify(x)));
      for (const x of as) if (!bs.has(x)) c.removed.add(join(path, `v:${x}`));
      for (const x of bs) if (!as.has(x)) c.added.add(join(path, `v:${x}`));
      return;
    }
  }
  if (!deepEqual(a, b)) {
    // Shape changed (or a leaf / atomic value changed): old fields removed, new ones modified.
    const before: FieldSet = new Set();
    const after: FieldSet = new Set();
    collect(a, s, path, before);
    collect(b, s, path, after);
    for (const p of after) (before.has(p) ? c.modified : c.added).add(p);
    for (const p of before) if (!after.has(p)) c.removed.add(p);
  }
}

function cmpMap(a: Obj, b: Obj, s: JsonSchema | undefined, path: string, c: Comparison): void {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const p = join(path, `f:${k}`);
    const x = a[k];
    const y = b[k];
    const ks = sub(s, k);
    if (x === undefined && y !== undefined) addAll(y, ks, p, c.added);
    else if (y === undefined && x !== undefined) addAll(x, ks, p, c.removed);
    else if (x !== undefined) cmpValue(x, y, ks, p, c);
  }
}

// ---- typed merge and prune (server-side apply) ----

/** Merges an applied configuration into the live object. */
export function typedMerge(live: unknown, config: unknown, s: JsonSchema | undefined): unknown {
  if (isObj(live) && isObj(config) && !atomicMap(s)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = v === null ? null : typedMerge(live[k], v, sub(s, k));
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const lk = listKind(s);
    if (lk.type === 'map' && config.every(isObj) && live.every(isObj)) {
      const cfg = new Map((config as Obj[]).map((x) => [keyElement(x, lk.keys, s?.items), x]));
      const out: unknown[] = [];
      const seen = new Set<string>();
      for (const x of live as Obj[]) {
        const k = keyElement(x, lk.keys, s?.items);
        const y = cfg.get(k);
        out.push(y ? typedMerge(x, y, s?.items) : x);
        seen.add(k);
      }
      for (const [k, y] of cfg) if (!seen.has(k)) out.push(y);
      return out;
    }
    if (lk.type === 'set') {
      const out = [...live];
      const have = new Set(live.map((x) => JSON.stringify(x)));
      for (const x of config) if (!have.has(JSON.stringify(x))) out.push(x);
      return out;
    }
  }
  return structuredClone(config);
}

/** Removes the fields at `paths` from `obj` (in place). Keyed items and set values are removed whole. */
export function removePaths(obj: Obj, paths: Iterable<string>, schema?: JsonSchema): void {
  for (const p of paths) removeOne(obj, p.split(SEP), schema);
}

function removeOne(node: unknown, els: string[], s: JsonSchema | undefined): void {
  const [el, ...rest] = els;
  if (el === undefined) return;
  const kind = el.slice(0, 2);
  const body = el.slice(2);
  if (kind === 'f:' && isObj(node)) {
    if (rest.length === 0) delete node[body];
    else removeOne(node[body], rest, sub(s, body));
    return;
  }
  if (!Array.isArray(node)) return;
  let idx = -1;
  if (kind === 'k:') {
    const keys = Object.keys(JSON.parse(body) as Obj);
    idx = node.findIndex((x) => isObj(x) && keyElement(x, keys, s?.items) === el);
  } else if (kind === 'v:') {
    idx = node.findIndex((x) => JSON.stringify(x) === body);
  } else if (kind === 'i:') idx = Number(body);
  if (idx < 0 || idx >= node.length) return;
  if (rest.length === 0) node.splice(idx, 1);
  else removeOne(node[idx], rest, s?.items);
}
