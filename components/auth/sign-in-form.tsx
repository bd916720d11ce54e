'use client';
/**
 * The sign-in page of `--auth token`: the user pastes a Kubernetes bearer token, the server checks
 * it with the API server and answers with an HttpOnly session cookie. The token is sent in a POST
 * body only; this page never stores it.
 */
import { useState, type FormEvent } from 'react';

function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return /^\/(?![/\\])/.test(next) ? next : '/';
}

export function SignInForm({ expired }: { expired?: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(expired ? 'Your session has ended: sign in again.' : undefined);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch('/api/auth/signin', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gatescope-csrf': '1' },
        body: JSON.stringify({ token }),
        credentials: 'same-origin',
      });
      if (res.ok) {
        setToken('');
        window.location.assign(nextPath());
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      setError(body.error ?? `sign-in failed (HTTP ${res.status})`);
    } catch (err) {
      setError(`sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 dark:bg-slate-950">
      <form onSubmit={submit} className="w-full max-w-lg space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900" aria-labelledby="signin-title">
        <div>
          <h1 id="signin-title" className="text-lg font-semibold tracking-tight">
            Sign in to gatescope
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Paste a Kubernetes bearer token. gatescope acts with it on every call, so your cluster&apos;s RBAC decides what you can see and change.
          </p>
        </div>
        <label className="block text-sm font-medium" htmlFor="token">
          Bearer token
        </label>
        <textarea
          id="token"
          name="token"
          required
          rows={5}
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          className="block w-full resize-y rounded border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          placeholder="eyJhbGciOiJSUzI1NiIsImtpZCI6…"
        />
        <p className="text-xs text-slate-500">
          For a service account: <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">kubectl create token NAME -n NAMESPACE</code>. The token is kept only in an encrypted, HttpOnly cookie.
        </p>
        {error ? (
          <p role="alert" data-testid="signin-error" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy || !token.trim()} className="w-full rounded bg-slate-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
