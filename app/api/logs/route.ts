import { filterError, filterFromParams, matchesFilter } from '@/lib/logs/filter';
import { servicesOf } from '@/server/context/access';

export const dynamic = 'force-dynamic';

/** The newest log records of the gateway pods (filters as query parameters, `limit` ≤ 5000) and the followers' status. */
export function GET(req: Request) {
  const logs = servicesOf(req).logs;
  if (!logs) return Response.json({ error: 'the log followers are not running' }, { status: 503 });
  const q = new URL(req.url).searchParams;
  const filter = filterFromParams(Object.fromEntries(q.entries()));
  const bad = filterError(filter);
  if (bad) return Response.json({ error: bad }, { status: 400 });
  const limit = Math.max(0, Math.min(5000, Number(q.get('limit') ?? 500) || 500));
  const records = logs.recent().filter((r) => matchesFilter(r, filter)).slice(-limit);
  return Response.json({ status: logs.status(), records });
}
