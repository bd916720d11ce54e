import { sessionRoute } from '@/server/auth/routes';

export const dynamic = 'force-dynamic';

/** `{ mode, signedIn, user?, groups?, expiresAt?, readOnly }` for the page (never the token). */
export function GET(req: Request) {
  return sessionRoute(req);
}
