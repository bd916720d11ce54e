import { mutating } from '@/server/http/resource-writes';
import { cacheOf } from '@/server/auth/request';
import { restartGatewayPod, rolloutRestartGateway } from '@/server/sync/gateway-actions';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ namespace: string; pod: string }> };

/**
 * Restart a gateway pod (`?target=pod`, the default: delete it) or its Deployment
 * (`?target=deployment`: `kubectl rollout restart`), as the console's user; CSRF-checked, refused
 * under --read-only.
 */
export async function POST(req: Request, ctx: Ctx) {
  return mutating(req, async (kc) => {
    const { namespace, pod } = await ctx.params;
    const target = new URL(req.url).searchParams.get('target') ?? 'pod';
    if (target !== 'pod' && target !== 'deployment') return Response.json({ error: 'target must be pod or deployment', reason: 'BadRequest', code: 400 }, { status: 400 });
    const cache = cacheOf(req);
    const result =
      target === 'pod' ? await restartGatewayPod(kc, cache, namespace, pod, req.signal) : await rolloutRestartGateway(kc, cache, namespace, pod, new Date(), req.signal);
    return Response.json(result);
  });
}
