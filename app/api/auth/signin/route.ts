import { signInRoute } from '@/server/auth/routes';

export const dynamic = 'force-dynamic';

/** `--auth token`: body `{ token }` → the sealed HttpOnly session cookie and `{ user, groups, expiresAt }`; 401 when the API server refuses the token. */
export async function POST(req: Request) {
  return signInRoute(req);
}
