import { getRuntime } from '@/server/runtime';
import { errorResponse, HttpError } from '@/server/kube/runtime-access';
import type { TopologyService } from '@/server/topology/service';

export const dynamic = 'force-dynamic';

/** The request-path graph, laid out: `{ version, tookMs, nodes, edges, stages, paths }`. */
export async function GET() {
  try {
    const topology = getRuntime().services.topology as TopologyService | undefined;
    if (!topology) throw new HttpError(503, 'the topology service is not running');
    const { version, view, tookMs } = topology.current();
    return Response.json({ version, tookMs, ...view });
  } catch (err) {
    return errorResponse(err);
  }
}
