/**
 * The context picker's choice: a `gatescope-context` cookie (SameSite=Strict, HttpOnly), so every
 * request and the WebSocket handshake carry it — including fetches of components that know
 * nothing about contexts. Only in local mode (without --auth): a signed-in user's token belongs
 * to one cluster.
 *
 * What follows the selection: resource reads (`/api/resources`, stream topics `resources/<kind>`
 * and `cluster`), writes and `/api/access`. Everything else still serves the context the console
 * started with, so with another context selected those APIs answer 409 and those topics an error,
 * never another cluster's data under this context's name.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { readCookie } from '../auth/session';
import type { ClusterCache } from '../kube/cache';
import type { ContextCaches } from '../kube/contexts';
import { getRuntime, type Runtime } from '../runtime';

export const CONTEXT_COOKIE = 'gatescope-context';
/** APIs that follow the selected context. */
export const CONTEXT_AWARE_APIS = [/^\/api\/resources(\/|$)/, /^\/api\/access$/, /^\/api\/contexts$/, /^\/api\/health$/, /^\/api\/auth\//];

type Headers_ = Headers | Record<string, string | string[] | undefined>;

function cookieHeader(h: Headers_): string | undefined {
  if (h instanceof Headers) return h.get('cookie') ?? undefined;
  const v = h['cookie'];
  return Array.isArray(v) ? v.join('; ') : v;
}

export function contextCaches(rt: Runtime = getRuntime()): ContextCaches | undefined {
  return rt.services.contexts as ContextCaches | undefined;
}

/** The selected context when it differs from the console's own and the kubeconfig has it; else undefined. */
export function selectedContext(h: Headers_, rt: Runtime = getRuntime()): string | undefined {
  const caches = contextCaches(rt);
  if (!caches) return undefined;
  const raw = readCookie(cookieHeader(h), CONTEXT_COOKIE);
  if (!raw) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return name !== rt.context && caches.has(name) ? name : undefined;
}

export function contextCookie(name: string | undefined): string {
  return name === undefined
    ? `${CONTEXT_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`
    : `${CONTEXT_COOKIE}=${encodeURIComponent(name)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000`;
}

/** The cache a request reads from: its selected context's, else the console's own. */
export function selectedCache(h: Headers_, primary: ClusterCache, rt: Runtime = getRuntime()): ClusterCache {
  const name = selectedContext(h, rt);
  return name ? contextCaches(rt)!.cache(name) : primary;
}

/** The kubeconfig of the selected context, or undefined for the console's own. */
export function selectedKubeConfig(h: Headers_, rt: Runtime = getRuntime()): KubeConfig | undefined {
  const name = selectedContext(h, rt);
  return name ? contextCaches(rt)!.kubeConfig(name) : undefined;
}
