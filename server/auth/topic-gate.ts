/**
 * Which WebSocket topics a signed-in user may subscribe to, and what of them they receive.
 *
 * - `cluster` (the cache's connection state): everyone.
 * - `resources/<plural>`: the objects of the namespaces the user may list (./read-access.ts); the
 *   grant is refreshed in the background while the subscription lives, so a revoked permission
 *   stops showing within the read-access TTL.
 * - Everything else (topology, analysis, sync, logs, traffic… views that combine every namespace):
 *   only for users who may list every watched kind cluster-wide; others get the topic's error
 *   naming what is missing. Narrowing those views per namespace is not done yet.
 */
import type { TopicGrant } from '../stream/hub';
import { isUnauthenticated, visible, type ReadGrant } from './read-access';
import type { AuthService, Viewer } from './service';

const OPEN_TOPICS = new Set(['cluster']);

export function topicAuthorizer(auth: AuthService, opts: { refreshMs?: number; now?: () => number } = {}) {
  const refreshMs = opts.refreshMs ?? 30_000;
  const now = opts.now ?? Date.now;
  return async (viewer: unknown, topic: string): Promise<TopicGrant> => {
    const v = viewer as Viewer | undefined;
    if (!v) throw new Error('not signed in');
    if (v.kind === 'local' || OPEN_TOPICS.has(topic)) return {};
    const key = auth.viewerKey(v);
    const kc = auth.kubeConfigFor(v);
    try {
      if (topic.startsWith('resources/')) {
        const plural = topic.slice('resources/'.length);
        let grant: ReadGrant = await auth.readAccess.grant(key, kc, plural);
        let at = now();
        let refreshing = false;
        return {
          filter: (data) => {
            if (!refreshing && now() - at > refreshMs) {
              refreshing = true;
              auth.readAccess.grant(key, kc, plural).then(
                (g) => ((grant = g), (at = now()), (refreshing = false)),
                () => ((grant = { all: false, namespaces: new Set() }), (at = now()), (refreshing = false)),
              );
            }
            return Array.isArray(data) ? visible(grant, data as Array<{ metadata?: { namespace?: string } }>) : data;
          },
        };
      }
      const missing = await auth.readAccess.missingFullRead(key, kc);
      if (missing.length) throw new Error(`"${topic}" combines every namespace: your Kubernetes user may not list ${missing.join(', ')} cluster-wide`);
      return {};
    } catch (err) {
      if (isUnauthenticated(err)) throw new Error(err.message);
      throw err;
    }
  };
}
