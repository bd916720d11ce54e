import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

export function GET() {
  const rt = getRuntime();
  return Response.json({ ok: true, mode: rt.mode, context: rt.context, server: rt.server, startedAt: rt.startedAt });
}
