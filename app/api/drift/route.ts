import { errorResponse } from '@/server/kube/runtime-access';
import { getDrift } from '@/server/envoy/drift-access';

export const dynamic = 'force-dynamic';

/** Per gateway pod: its config_dump compared with the resources (at most 2 s old). */
export async function GET(req: Request) {
  try {
    return Response.json(await getDrift(req).snapshot(2000));
  } catch (err) {
    return errorResponse(err);
  }
}
