'use client';
/**
 * Who is signed in, and sign-out (shown only with --auth). Polls the session once a minute and
 * sends the user to the sign-in page when it has ended, instead of leaving a dead console.
 */
import { useEffect, useState } from 'react';

interface SessionInfo {
  mode: 'none' | 'token' | 'header';
  signedIn: boolean;
  user?: string;
  expiresAt?: number;
  readOnly: boolean;
}

async function fetchSession(): Promise<SessionInfo | undefined> {
  const res = await fetch('/api/auth/session', { credentials: 'same-origin', cache: 'no-store' }).catch(() => undefined);
  return res?.ok ? ((await res.json()) as SessionInfo) : undefined;
}

export function UserMenu() {
  const [session, setSession] = useState<SessionInfo>();
  useEffect(() => {
    let live = true;
    const check = async () => {
      const s = await fetchSession();
      if (!live || !s) return;
      setSession(s);
      if (s.mode === 'token' && !s.signedIn) {
        // A full load on purpose: the stream socket and every cached query belong to the old session.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign(`/signin?expired=1&next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      }
    };
    void check();
    const timer = setInterval(check, 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  if (!session) return null;
  const readOnly = session.readOnly ? (
    <span className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900 dark:bg-amber-900 dark:text-amber-100" data-testid="read-only-badge">
      read-only
    </span>
  ) : null;
  if (session.mode === 'none' || !session.signedIn) return readOnly;

  async function signOut() {
    await fetch('/api/auth/signout', { method: 'POST', headers: { 'x-gatescope-csrf': '1' }, credentials: 'same-origin' });
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- drop the session's socket and caches
    window.location.assign('/signin');
  }

  return (
    <span className="flex items-center gap-2" data-testid="user-menu">
      {readOnly}
      <span title={session.expiresAt ? `session ends ${new Date(session.expiresAt).toLocaleString()}` : undefined} data-testid="signed-in-user">
        {session.user}
      </span>
      {session.mode === 'token' ? (
        <button type="button" onClick={signOut} className="rounded border border-slate-300 px-1.5 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Sign out
        </button>
      ) : null}
    </span>
  );
}
