import { getHistory } from '@/server/history/access';
import { errorResponse } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

/** Every recorded version (summaries with diffs, oldest first): `{ entries, evicted, limits }`. */
export async function GET() {
  try {
    return Response.json(getHistory().list());
  } catch (err) {
    return errorResponse(err);
  }
}
