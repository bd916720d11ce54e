import { contextsGet, contextsPost } from '@/server/http/contexts-route';

export const dynamic = 'force-dynamic';

/** The kubeconfig's contexts, the console's own and the selected one. */
export function GET(req: Request) {
  return contextsGet(req);
}

/** `{ context }` → selects it for this browser (cookie). */
export async function POST(req: Request) {
  return contextsPost(req);
}
