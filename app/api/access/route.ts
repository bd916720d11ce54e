import { kubeConfigOf } from '@/server/auth/request';
import { accessFor } from '@/server/http/access';
import { caught } from '@/server/http/resource-writes';

export const dynamic = 'force-dynamic';

/** `?verb=update&plural=virtualservices&namespace=default&name=web-service` → `{ allowed, reason? }` (SelfSubjectAccessReview). */
export async function GET(req: Request) {
  try {
    return Response.json(await accessFor(new URL(req.url).searchParams, req.signal, kubeConfigOf(req)));
  } catch (err) {
    return caught(err);
  }
}
