import { getHistory } from '@/server/history/access';
import { errorResponse } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

/** Every recorded version (summaries with diffs, oldest first): `{ entries, evicted, limits }`. */
export async function GET(req: Request) {
  try {
    return Response.json(getHistory(req).list());
  } catch (err) {
    return errorResponse(err);
  }
}
