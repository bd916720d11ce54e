import { redactForClient } from '@/lib/kube/redact';
import { apply } from '@/server/kube/apply';
import { errorResponse, getCache, watchedPlural } from '@/server/kube/runtime-access';
import { applyResponse, dryRunParam, mutating, readCreateBody, writableFromUrl } from '@/server/http/resource-writes';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ plural: string }> };

export async function GET(_req: Request, ctx: Ctx) {
  try {
    const plural = watchedPlural((await ctx.params).plural);
    const cache = getCache();
    return Response.json({ items: cache.list(plural).map((o) => redactForClient(plural, o)), version: cache.version });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Create: body `{ draft }` or the object (its metadata.namespace says where); `?dryRun=All` for the server's dry-run. */
export async function POST(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const kind = writableFromUrl((await ctx.params).plural);
    const body = await readCreateBody(req);
    return applyResponse(await apply(kc, kind.plural, body.request, { dryRun: dryRunParam(req), signal: req.signal }));
  });
}
