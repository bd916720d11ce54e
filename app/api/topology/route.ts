import { servicesOf } from '@/server/context/access';
import { errorResponse, HttpError } from '@/server/kube/runtime-access';

export const dynamic = 'force-dynamic';

/** The request-path graph of the selected context, laid out: `{ version, tookMs, nodes, edges, stages, paths }`. */
export async function GET(req: Request) {
  try {
    const topology = servicesOf(req).topology;
    if (!topology) throw new HttpError(503, 'the topology service is not running');
    const { version, view, tookMs } = topology.current();
    return Response.json({ version, tookMs, ...view });
  } catch (err) {
    return errorResponse(err);
  }
}
