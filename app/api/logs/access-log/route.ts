import { cacheOf } from '@/server/auth/request';
import { errorResponse } from '@/server/kube/runtime-access';
import { enableAccessLog, previewEnableAccessLog } from '@/server/logs/mesh-access-log-write';
import { errorJson, mutating } from '@/server/http/resource-writes';
import { KubeApiError } from '@/server/kube/transport';

export const dynamic = 'force-dynamic';

/** The mesh config's access-log state and the exact change that turns it on. */
export async function GET(req: Request) {
  try {
    return Response.json(previewEnableAccessLog(cacheOf(req)));
  } catch (err) {
    return errorResponse(err);
  }
}

/** `{ resourceVersion }` from GET: writes `accessLogFile: /dev/stdout` if the ConfigMap did not change since. */
export async function POST(req: Request) {
  return mutating(req, async (kc) => {
    const body = (await req.json().catch(() => ({}))) as { resourceVersion?: unknown };
    if (typeof body.resourceVersion !== 'string' || !body.resourceVersion) return errorJson(400, 'BadRequest', 'resourceVersion (from GET) is required');
    try {
      const cm = await enableAccessLog(kc, body.resourceVersion);
      return Response.json({ applied: true, resourceVersion: cm.metadata.resourceVersion });
    } catch (err) {
      if (err instanceof KubeApiError) return errorJson(err.statusCode || 502, err.reason ?? 'Error', err.message);
      throw err;
    }
  });
}
