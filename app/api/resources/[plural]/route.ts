import { errorResponse, getCache, watchedPlural } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ plural: string }> }) {
  try {
    const plural = watchedPlural((await ctx.params).plural);
    const cache = getCache();
    return Response.json({ items: cache.list(plural), version: cache.version });
  } catch (err) {
    return errorResponse(err);
  }
}
