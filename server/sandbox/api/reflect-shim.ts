/**
 * The few `Reflect` metadata functions tsyringe (used by @peculiar/x509) checks for at load
 * time. No reflect-metadata package is installed; this WeakMap-backed subset is enough for
 * x509's use (it never relies on emitted design-time types). Import before '@peculiar/x509'.
 */
type Key = unknown;
const store = new WeakMap<object, Map<string | symbol | undefined, Map<Key, unknown>>>();

function table(target: object, prop: string | symbol | undefined, create: boolean): Map<Key, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    store.set(target, (byProp = new Map()));
  }
  let t = byProp.get(prop);
  if (!t && create) byProp.set(prop, (t = new Map()));
  return t;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R['getMetadata'] !== 'function') {
  const getOwn = (k: Key, target: object, prop?: string | symbol) => table(target, prop, false)?.get(k);
  const get = (k: Key, target: object, prop?: string | symbol): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const v = getOwn(k, t, prop);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  R['defineMetadata'] = (k: Key, v: unknown, target: object, prop?: string | symbol) => void table(target, prop, true)!.set(k, v);
  R['getOwnMetadata'] = getOwn;
  R['getMetadata'] = get;
  R['hasOwnMetadata'] = (k: Key, target: object, prop?: string | symbol) => table(target, prop, false)?.has(k) ?? false;
  R['hasMetadata'] = (k: Key, target: object, prop?: string | symbol) => get(k, target, prop) !== undefined;
  R['metadata'] = (k: Key, v: unknown) => (target: object, prop?: string | symbol) => void table(target, prop, true)!.set(k, v);
}

export {};
