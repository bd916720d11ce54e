/**
 * get and list. Lists filter by namespace, labelSelector and fieldSelector, page with
 * limit/continue (an opaque token holding the snapshot resourceVersion and the last key; 410 when
 * the store has compacted past it), and stream their items so 10,000 pods never become one string.
 */
import { negotiate } from './negotiate';
import { asVersion, respondObject, setWarnings, type Scope } from './request';
import { matchFields, parseFieldSelector, parseLabelSelector, SelectorError, type FieldRequirement, type LabelMatcher } from './selectors';
import { errors } from './status';
import type { StoredObject } from './store';
import { parseIncludeObject, rowFor, tableHead } from './table';

type Obj = Record<string, unknown>;

export interface Filter {
  labels?: LabelMatcher;
  fields?: FieldRequirement[];
  namespace?: string;
}

/** Parses labelSelector/fieldSelector of a list or watch (400 on bad syntax or unsupported field labels). */
export function parseFilter(s: Scope): Filter {
  const f: Filter = { namespace: s.namespace };
  try {
    const ls = s.query.get('labelSelector');
    if (ls) f.labels = parseLabelSelector(ls);
    const fs = s.query.get('fieldSelector');
    if (fs) f.fields = parseFieldSelector(fs);
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
  for (const r of f.fields ?? []) {
    if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !(r.field in s.def.fieldSelectors)) {
      throw errors.badRequest(`field label not supported: ${r.field}`);
    }
  }
  return f;
}

export function matches(s: Scope, f: Filter, o: StoredObject): boolean {
  if (f.namespace !== undefined && o.metadata.namespace !== f.namespace) return false;
  if (f.labels && !f.labels(o.metadata.labels)) return false;
  if (f.fields) {
    const get = (field: string) =>
      field === 'metadata.name' ? o.metadata.name : field === 'metadata.namespace' ? o.metadata.namespace ?? '' : s.def.fieldSelectors[field]?.(o as Obj);
    if (!matchFields(f.fields, get)) return false;
  }
  return true;
}

export function handleGet(s: Scope): void {
  const o = s.cfg.store.get(s.def.key, s.namespace, s.name!);
  if (!o) throw errors.notFound({ group: s.def.group, resource: s.def.plural }, s.name!);
  respondObject(s, 200, asVersion(o, s.apiVersion));
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const keyOf = (o: StoredObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function decodeContinue(s: Scope, token: string): ContinueToken {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
  } catch {
    throw errors.badRequest(`continue key is not valid: invalid continue token`);
  }
  if (!t || t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (t.rv < s.cfg.store.oldestResourceVersion) {
    throw errors.expired(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }
  return t;
}

const encodeContinue = (t: ContinueToken) => Buffer.from(JSON.stringify(t)).toString('base64');

/** Selected objects in key order, plus paging metadata. */
export function select(s: Scope, f: Filter): { items: StoredObject[]; listMeta: Obj } {
  const limitParam = s.query.get('limit');
  const limit = limitParam ? Number(limitParam) : 0;
  if (limitParam && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest(`invalid limit: ${limitParam}`);
  const cont = s.query.get('continue');
  const token = cont ? decodeContinue(s, cont) : undefined;
  const rv = token?.rv ?? s.cfg.store.resourceVersion;
  const all: Array<[string, StoredObject]> = [];
  for (const o of s.cfg.store.peek(s.def.key)) {
    if (!matches(s, f, o)) continue;
    const k = keyOf(o);
    if (token && k <= token.start) continue;
    all.push([k, o]);
  }
  all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const listMeta: Obj = { resourceVersion: String(rv) };
  let items = all.map((e) => e[1]);
  if (limit > 0 && items.length > limit) {
    items = items.slice(0, limit);
    listMeta['continue'] = encodeContinue({ v: 'meta.k8s.io/v1', rv, start: all[limit - 1]![0] });
    listMeta['remainingItemCount'] = all.length - limit;
  }
  return { items, listMeta };
}

const CHUNK = 64 * 1024;

/** Writes `parts` as one chunked response, respecting backpressure. */
async function stream(s: Scope, head: string, parts: Iterable<string>, tail: string): Promise<void> {
  const res = s.res;
  setWarnings(s);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  let buf = head;
  let first = true;
  for (const p of parts) {
    buf += first ? p : `,${p}`;
    first = false;
    if (buf.length >= CHUNK) {
      const ok = res.write(buf);
      buf = '';
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
        if (res.destroyed) return;
      }
    }
  }
  res.end(buf + tail);
}

export async function handleList(s: Scope): Promise<void> {
  const rep = negotiate(s.req.headers.accept, { resource: true });
  const f = parseFilter(s);
  const { items, listMeta } = select(s, f);
  const metaJson = JSON.stringify(listMeta);
  const now = s.cfg.now();
  if (rep.kind === 'table') {
    const head = JSON.stringify(tableHead(s.def, s.version, rep.version, listMeta)).slice(0, -1) + ',"rows":[';
    const include = parseIncludeObject(s.query.get('includeObject'));
    const rows = (function* () {
      for (const o of items) yield JSON.stringify(rowFor(s.def, s.version, asVersion(o, s.apiVersion), include, rep.version, now));
    })();
    return stream(s, head, rows, ']}');
  }
  if (rep.kind === 'partial') {
    const head = `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/${rep.version}","metadata":${metaJson},"items":[`;
    const parts = (function* () {
      for (const o of items) yield JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rep.version}`, metadata: o.metadata });
    })();
    return stream(s, head, parts, ']}');
  }
  if (rep.kind === 'yaml') {
    const { stringify } = await import('yaml');
    const body = stringify({ apiVersion: s.apiVersion, items: items.map((o) => asVersion(o, s.apiVersion)), kind: s.def.listKind, metadata: listMeta });
    s.res.writeHead(200, { 'Content-Type': 'application/yaml' });
    s.res.end(body);
    return;
  }
  const head = `{"kind":${JSON.stringify(s.def.listKind)},"apiVersion":${JSON.stringify(s.apiVersion)},"metadata":${metaJson},"items":[`;
  const parts = (function* () {
    for (const o of items) yield JSON.stringify(asVersion(o, s.apiVersion));
  })();
  return stream(s, head, parts, ']}');
}
