/**
 * Strategic merge patch for the built-in kinds (k8s.io/apimachinery/pkg/util/strategicpatch), with
 * the patch metadata read from the kind's schema (`x-kubernetes-patch-merge-key`,
 * `x-kubernetes-patch-strategy`). Supports what `kubectl apply`/`edit`/`patch` send:
 * lists merged by key, `$patch: replace|delete|merge`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>`, `$retainKeys`, and `null` deleting a field.
 * Lists without a merge strategy are replaced, as on the apiserver.
 */
import type { JsonSchema } from '../istio-crds';
import { errors } from '../status';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

function sub(s: JsonSchema | undefined, key: string): JsonSchema | undefined {
  if (!s) return undefined;
  return s.properties?.[key] ?? (s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
}

function strategyOf(s: JsonSchema | undefined): { merge: boolean; key?: string } {
  const strat = String(s?.['x-kubernetes-patch-strategy'] ?? '');
  return { merge: strat.split(',').includes('merge'), key: s?.['x-kubernetes-patch-merge-key'] as string | undefined };
}

export function applyStrategicPatch(original: Obj, patch: unknown, schema: JsonSchema | undefined): Obj {
  if (!isObj(patch)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  const out = mergeMap(original, patch, schema);
  return (out ?? {}) as Obj;
}

/** Removes directive keys from a value that is replacing something (or being added). */
function clean(v: unknown, s: JsonSchema | undefined): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isObj(x) && x['$patch'] === 'delete')).map((x) => clean(x, s?.items));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, c] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (c === null) continue;
    out[k] = clean(c, sub(s, k));
  }
  return out;
}

function mergeMap(original: unknown, patch: Obj, s: JsonSchema | undefined): Obj | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return clean(patch, s) as Obj;
  if (directive !== undefined && directive !== 'merge') throw errors.badRequest(`Unknown patch type: ${String(directive)}`);
  const out: Obj = isObj(original) ? { ...original } : {};
  const orders: Array<[string, unknown[]]> = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) {
        const drop = new Set(v.map((x) => JSON.stringify(x)));
        out[field] = cur.filter((x) => !drop.has(JSON.stringify(x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const ks = sub(s, k);
    if (isObj(v)) {
      const merged = mergeMap(out[k], v, ks);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(out[k], v, ks);
    } else out[k] = v;
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = reorder(cur, order, strategyOf(sub(s, field)).key);
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k) && !(k in patch)) delete out[k];
  }
  return out;
}

function mergeList(original: unknown, patch: unknown[], s: JsonSchema | undefined): unknown[] {
  const { merge, key } = strategyOf(s);
  if (!merge) return clean(patch, s) as unknown[];
  const orig = Array.isArray(original) ? original : [];
  if (patch.some((x) => isObj(x) && x['$patch'] === 'replace')) {
    return clean(patch.filter((x) => !(isObj(x) && x['$patch'] === 'replace')), s) as unknown[];
  }
  if (!key) {
    // A set of scalars (finalizers): union, keeping order.
    const out = [...orig];
    const have = new Set(orig.map((x) => JSON.stringify(x)));
    for (const x of patch) if (!have.has(JSON.stringify(x))) out.push(x);
    return out;
  }
  const out = orig.map((x) => x);
  for (const item of patch) {
    if (!isObj(item)) {
      out.push(item);
      continue;
    }
    const id = item[key];
    const idx = id === undefined ? -1 : out.findIndex((x) => isObj(x) && JSON.stringify(x[key]) === JSON.stringify(id));
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx], item, s?.items);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(mergeMap({}, item, s?.items) ?? {});
    }
  }
  return out;
}

/** `$setElementOrder`: listed elements in the given order; unlisted ones stay after their predecessor. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown) => JSON.stringify(key && isObj(x) ? x[key] : x);
  const pos = new Map(order.map((o, i) => [JSON.stringify(key && isObj(o) ? o[key] : o), i]));
  let last = -1;
  const ranked = list.map((x, i) => {
    const p = pos.get(id(x));
    if (p !== undefined) last = p;
    return { x, r: p ?? last + 0.5, i };
  });
  ranked.sort((a, b) => a.r - b.r || a.i - b.i);
  return ranked.map((e) => e.x);
}
