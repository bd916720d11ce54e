import { getHistory } from '@/server/history/access';
import { errorResponse, HttpError } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

/** One recorded version with its object (what a revert puts back). */
export async function GET(req: Request, ctx: { params: Promise<{ seq: string }> }) {
  try {
    const { seq } = await ctx.params;
    const v = /^\d+$/.test(seq) ? getHistory(req).get(Number(seq)) : undefined;
    if (!v) throw new HttpError(404, `history version ${seq} not found (it may have been dropped: the history is bounded)`);
    return Response.json(v);
  } catch (err) {
    return errorResponse(err);
  }
}
