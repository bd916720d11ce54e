import { errorResponse, getCache, HttpError, watchedPlural } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ plural: string; namespace: string; name: string }> }) {
  try {
    const p = await ctx.params;
    const plural = watchedPlural(p.plural);
    const ns = p.namespace === '_' ? undefined : p.namespace;
    const obj = getCache().get(plural, ns, p.name);
    if (!obj) throw new HttpError(404, `${plural} ${p.namespace}/${p.name} not found`);
    return Response.json(obj);
  } catch (err) {
    return errorResponse(err);
  }
}
