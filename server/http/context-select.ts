/**
 * The context picker's choice: a `gatescope-context` cookie (SameSite=Strict, HttpOnly), so every
 * request and the WebSocket handshake carry it — including fetches of components that know
 * nothing about contexts. Only in local mode (without --auth): a signed-in user's token belongs
 * to one cluster.
 *
 * Every view follows the selection: each context has its own services (server/context/registry.ts),
 * reached by route handlers through server/context/access.ts and by stream topics through the
 * front door's per-session topic provider. An API not listed in CONTEXT_AWARE_APIS (one added
 * later, before it learns about contexts) answers 409 `ContextNotServed` for another context,
 * never another cluster's data under this context's name.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { readCookie } from '../auth/session';
import type { ClusterCache } from '../kube/cache';
import type { ContextRegistry } from '../context/registry';
import { getRuntime, type Runtime } from '../runtime';

export const CONTEXT_COOKIE = 'gatescope-context';
/** APIs that follow the selected context (or serve every context alike). */
export const CONTEXT_AWARE_APIS = [
  /^\/api\/resources(\/|$)/,
  /^\/api\/access$/,
  /^\/api\/contexts$/,
  /^\/api\/health$/,
  /^\/api\/auth\//,
  /^\/api\/topology$/,
  /^\/api\/sync$/,
  /^\/api\/drift$/,
  /^\/api\/proxies\//,
  /^\/api\/logs(\/|$)/,
  /^\/api\/traffic$/,
  /^\/api\/history(\/|$)/,
];

type Headers_ = Headers | Record<string, string | string[] | undefined>;

function cookieHeader(h: Headers_): string | undefined {
  if (h instanceof Headers) return h.get('cookie') ?? undefined;
  const v = h['cookie'];
  return Array.isArray(v) ? v.join('; ') : v;
}

/** The other contexts' services (local mode with several contexts), else undefined. */
export function contextRegistry(rt: Runtime = getRuntime()): ContextRegistry | undefined {
  return rt.services.contexts as ContextRegistry | undefined;
}

/** The selected context when it differs from the console's own and the kubeconfig has it; else undefined. */
export function selectedContext(h: Headers_, rt: Runtime = getRuntime()): string | undefined {
  const contexts = contextRegistry(rt);
  if (!contexts) return undefined;
  const raw = readCookie(cookieHeader(h), CONTEXT_COOKIE);
  if (!raw) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return name !== rt.context && contexts.has(name) ? name : undefined;
}

export function contextCookie(name: string | undefined): string {
  return name === undefined
    ? `${CONTEXT_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`
    : `${CONTEXT_COOKIE}=${encodeURIComponent(name)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000`;
}

/** The cache a request reads from: its selected context's, else the console's own. */
export function selectedCache(h: Headers_, primary: ClusterCache, rt: Runtime = getRuntime()): ClusterCache {
  const name = selectedContext(h, rt);
  return name ? contextRegistry(rt)!.cache(name) : primary;
}

/** The kubeconfig of the selected context, or undefined for the console's own. */
export function selectedKubeConfig(h: Headers_, rt: Runtime = getRuntime()): KubeConfig | undefined {
  const name = selectedContext(h, rt);
  return name ? contextRegistry(rt)!.kubeConfig(name) : undefined;
}
