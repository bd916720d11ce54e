import { redactForClient } from '@/lib/kube/redact';
import { cacheOf, visibleTo } from '@/server/auth/request';
import { apply, deleteResource } from '@/server/kube/apply';
import { errorResponse, HttpError, watchedPlural } from '@/server/kube/runtime-access';
import { applyResponse, deleteResponse, dryRunParam, mutating, readWriteBody, writableFromUrl } from '@/server/http/resource-writes';
import { trackWrite } from '@/server/sync/track-apply';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ plural: string; namespace: string; name: string }> };

export async function GET(req: Request, ctx: Ctx) {
  try {
    const p = await ctx.params;
    const plural = watchedPlural(p.plural);
    const ns = p.namespace === '_' ? undefined : p.namespace;
    const found = cacheOf(req).get(plural, ns, p.name);
    // Not readable by this user answers as absent: the name of an object they may not list is not theirs to learn.
    const obj = found && (await visibleTo(req, plural, [found]))[0];
    if (!obj) throw new HttpError(404, `${plural} ${p.namespace}/${p.name} not found`);
    return Response.json(redactForClient(plural, obj));
  } catch (err) {
    return errorResponse(err);
  }
}

/** Update: body `{ base, draft }` (or the object itself); `?dryRun=All` for the server's dry-run. 409 → rebased or conflicts. */
export async function PUT(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const p = await ctx.params;
    const kind = writableFromUrl(p.plural);
    const body = await readWriteBody(req, p);
    const appliedAt = Date.now();
    const result = await apply(kc, kind.plural, body.request, { dryRun: dryRunParam(req), rebase: body.rebase, signal: req.signal });
    trackWrite(result, appliedAt, `${kind.kind} ${p.namespace}/${p.name}`, req);
    return applyResponse(result);
  });
}

/** Delete with `?resourceVersion=` as precondition (required); `?dryRun=All` allowed. */
export async function DELETE(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const p = await ctx.params;
    const kind = writableFromUrl(p.plural);
    const resourceVersion = new URL(req.url).searchParams.get('resourceVersion');
    if (!resourceVersion) throw new HttpError(400, 'resourceVersion is required: gatescope deletes only the version you saw');
    const appliedAt = Date.now();
    const result = await deleteResource(kc, kind.plural, p, { resourceVersion, dryRun: dryRunParam(req), signal: req.signal });
    trackWrite(result, appliedAt, `${kind.kind} ${p.namespace}/${p.name} (deleted)`, req);
    return deleteResponse(result);
  });
}
