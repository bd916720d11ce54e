import { servicesOf } from '@/server/context/access';
import { TRAFFIC_WINDOWS } from '@/server/logs/publish';

export const dynamic = 'force-dynamic';

/** Traffic aggregates over `?window=` seconds (10, 60, 300, 900; default 60). */
export function GET(req: Request) {
  const logs = servicesOf(req).logs;
  if (!logs) return Response.json({ error: 'the log followers are not running' }, { status: 503 });
  const window = Number(new URL(req.url).searchParams.get('window') ?? 60);
  if (!(TRAFFIC_WINDOWS as readonly number[]).includes(window)) return Response.json({ error: `window must be one of ${TRAFFIC_WINDOWS.join(', ')}` }, { status: 400 });
  return Response.json(logs.traffic.snapshot(Date.now(), window, { seriesStep: Math.max(1, Math.round(window / 60)) }));
}
