import { signOutRoute } from '@/server/auth/routes';

export const dynamic = 'force-dynamic';

/** Clears the session cookie (CSRF-checked). */
export function POST(req: Request) {
  return signOutRoute(req);
}
