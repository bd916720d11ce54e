import { getRuntime } from '@/server/runtime';
import type { ClusterCache } from '@/server/kube/cache';

export const dynamic = 'force-dynamic';

/** Liveness plus the cluster cache's state per kind (connected, retrying since, relists, reconnects). */
export function GET() {
  const rt = getRuntime();
  const cache = rt.services.cache as ClusterCache | undefined;
  return Response.json({ ok: true, mode: rt.mode, context: rt.context, server: rt.server, startedAt: rt.startedAt, cluster: cache?.state() });
}
