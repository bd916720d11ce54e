import { errorResponse } from '@/server/kube/runtime-access';
import { PrometheusError } from '@/server/traffic/prometheus';
import { NOT_CONFIGURED, trafficHistoryService } from '@/server/traffic/history';
import { HISTORY_RANGES, isHistoryRange } from '@/lib/traffic/history';

export const dynamic = 'force-dynamic';

/**
 * A VirtualService's traffic history from Prometheus: `?vs=namespace/name&range=1h|6h|24h[&step=seconds]`;
 * without `vs`: `{ configured: true, prometheus }`. Without --prometheus-url: 200 `{ configured: false,
 * reason }` whatever the parameters. Prometheus failing: 502 with its reason.
 */
export async function GET(req: Request) {
  const q = new URL(req.url).searchParams;
  try {
    const service = trafficHistoryService();
    if (!service) return Response.json(NOT_CONFIGURED);
    const vs = q.get('vs');
    if (vs === null) return Response.json({ configured: true, prometheus: service.client.base });
    const range = q.get('range') ?? '1h';
    const step = q.get('step');
    if (!/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(vs)) return Response.json({ error: 'vs must be namespace/name of a VirtualService' }, { status: 400 });
    if (!isHistoryRange(range)) return Response.json({ error: `range must be one of ${Object.keys(HISTORY_RANGES).join(', ')}` }, { status: 400 });
    if (step !== null && !/^\d+$/.test(step)) return Response.json({ error: 'step must be a whole number of seconds' }, { status: 400 });
    return Response.json(await service.history(vs, range, { step: step === null ? undefined : Number(step), signal: req.signal }));
  } catch (err) {
    if (err instanceof PrometheusError) return Response.json({ error: err.message, errorType: err.errorType }, { status: 502 });
    if (err instanceof RangeError) return Response.json({ error: err.message }, { status: 400 });
    return errorResponse(err);
  }
}
