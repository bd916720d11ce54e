import { getEnvoyAdmin } from '@/server/envoy/access';
import { answerAdminRoute } from '@/server/envoy/admin-route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ namespace: string; pod: string; path: string[] }> };

/** Envoy admin reads, through the allow-list (server/envoy/allow-list.ts); refused calls get 403. */
export async function GET(req: Request, ctx: Ctx) {
  return answerAdminRoute(req, await ctx.params, getEnvoyAdmin(req));
}

/** The one POST: /logging with level=<level> or <logger>=<level> (CSRF-checked, refused under --read-only). */
export async function POST(req: Request, ctx: Ctx) {
  return answerAdminRoute(req, await ctx.params, getEnvoyAdmin(req), { readOnly: getRuntime().readOnly });
}
