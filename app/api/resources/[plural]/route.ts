import { redactForClient } from '@/lib/kube/redact';
import { cacheOf, visibleTo } from '@/server/auth/request';
import { apply } from '@/server/kube/apply';
import { errorResponse, watchedPlural } from '@/server/kube/runtime-access';
import { applyResponse, dryRunParam, mutating, readCreateBody, writableFromUrl } from '@/server/http/resource-writes';
import { trackWrite } from '@/server/sync/track-apply';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ plural: string }> };

export async function GET(req: Request, ctx: Ctx) {
  try {
    const plural = watchedPlural((await ctx.params).plural);
    const cache = cacheOf(req);
    const items = await visibleTo(req, plural, cache.list(plural));
    return Response.json({ items: items.map((o) => redactForClient(plural, o)), version: cache.version });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Create: body `{ draft }` or the object (its metadata.namespace says where); `?dryRun=All` for the server's dry-run. */
export async function POST(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const kind = writableFromUrl((await ctx.params).plural);
    const body = await readCreateBody(req);
    const appliedAt = Date.now();
    const result = await apply(kc, kind.plural, body.request, { dryRun: dryRunParam(req), signal: req.signal });
    const meta = body.request.draft.metadata as { namespace?: string; name?: string } | undefined;
    trackWrite(result, appliedAt, `${kind.kind} ${meta?.namespace ?? ''}/${meta?.name ?? ''}`, req);
    return applyResponse(result);
  });
}
