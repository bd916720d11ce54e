/**
 * Identity for route handlers: the viewer of a `Request`, the KubeConfig to act with for them, and
 * what they may read from the shared cache. Without `--auth` every request is the local user.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCache } from '../kube/cache';
import { getCache, HttpError } from '../kube/runtime-access';
import { selectedCache, selectedKubeConfig } from '../http/context-select';
import { getRuntime } from '../runtime';
import { isUnauthenticated, visible, type ReadGrant } from './read-access';
import type { AuthService, Viewer } from './service';

const ALL: ReadGrant = { all: true, namespaces: new Set() };

export function getAuth(): AuthService | undefined {
  const svc = getRuntime().services.auth as AuthService | undefined;
  return svc && svc.mode !== 'none' ? svc : undefined;
}

/** The request's viewer; 401 when auth is on and nobody is signed in. */
export function viewerOf(req: Request): Viewer {
  const auth = getAuth();
  if (!auth) return { kind: 'local' };
  const v = auth.viewer(req.headers);
  if (!v) throw new HttpError(401, auth.mode === 'token' ? 'sign in first: your session is missing or has expired' : 'the authenticating proxy sent no user');
  return v;
}

/**
 * The KubeConfig for calls made on behalf of the request's user: without --auth the kubeconfig's
 * identity in the context the picker selected (server/http/context-select.ts).
 */
export function kubeConfigOf(req: Request): KubeConfig {
  const auth = getAuth();
  if (!auth) return selectedKubeConfig(req.headers) ?? getRuntime().kubeConfig;
  return auth.kubeConfigFor(viewerOf(req));
}

/** The watch cache a request reads: the selected context's (local mode), else the console's own. */
export function cacheOf(req: Request): ClusterCache {
  const primary = getCache();
  return getAuth() ? primary : selectedCache(req.headers, primary);
}

/** What the request's user may read of `plural` (everything without --auth). */
export async function readGrantOf(req: Request, plural: string): Promise<ReadGrant> {
  const auth = getAuth();
  if (!auth) return ALL;
  const v = viewerOf(req);
  try {
    return await auth.readAccess.grant(auth.viewerKey(v), auth.kubeConfigFor(v), plural);
  } catch (err) {
    if (isUnauthenticated(err)) throw new HttpError(401, err.message);
    throw err;
  }
}

/** Objects of `plural` the request's user may see. */
export async function visibleTo<T extends { metadata?: { namespace?: string } }>(req: Request, plural: string, objects: T[]): Promise<T[]> {
  return visible(await readGrantOf(req, plural), objects);
}
