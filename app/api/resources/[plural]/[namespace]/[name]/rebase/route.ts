import { rebaseOnLive } from '@/server/kube/apply';
import { applyResponse, mutating, readWriteBody, writableFromUrl } from '@/server/http/resource-writes';
import { HttpError } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ plural: string; namespace: string; name: string }> };

/**
 * Body `{ base, draft }` → the draft rebased onto the server's current object (200, `status:
 * 'rebased'`, with the dry-run of the merged update) or the conflicts (409). Writes nothing.
 */
export async function POST(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const p = await ctx.params;
    const kind = writableFromUrl(p.plural);
    const body = await readWriteBody(req, p);
    if (!body.rebase) throw new HttpError(400, 'rebase needs { base, draft }');
    const r = await rebaseOnLive(kc, kind.plural, { base: body.request.base!, draft: body.request.draft }, req.signal);
    return r.status === 'rebased' ? Response.json(r) : applyResponse(r);
  });
}
