import { errorResponse } from '@/server/kube/runtime-access';
import { getSync } from '@/server/sync/access';

export const dynamic = 'force-dynamic';

/** Proxy sync status from every istiod replica (at most 1 s old), with tracked rollouts. */
export async function GET(req: Request) {
  try {
    return Response.json(await getSync(req).snapshot(1000));
  } catch (err) {
    return errorResponse(err);
  }
}
