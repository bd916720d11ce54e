'use client';
/**
 * The kubeconfig context, on every screen: a picker when the console can switch (local mode,
 * several contexts), a label otherwise. Choosing a context stores it for this browser (a cookie set
 * by POST /api/contexts) and reloads, so every query and the stream start over against it: every
 * view then serves the selected context (server/context/registry.ts), whose name this shows.
 */
import { useEffect, useState } from 'react';

interface ContextsAnswer {
  primary: string;
  selected: string;
  switchable: boolean;
  contexts: Array<{ name: string; server: string }>;
}

export function ContextPicker({ fallback }: { fallback?: string }) {
  const [answer, setAnswer] = useState<ContextsAnswer>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    fetch('/api/contexts', { cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<ContextsAnswer>) : undefined))
      .then((a) => live && a && setAnswer(a))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);

  if (!answer || !answer.switchable) return <span data-testid="context-name">{answer?.selected ?? fallback ?? '…'}</span>;

  async function pick(name: string) {
    setBusy(true);
    const res = await fetch('/api/contexts', { method: 'POST', headers: { 'content-type': 'application/json', 'x-gatescope-csrf': '1' }, body: JSON.stringify({ context: name }) });
    if (res.ok) window.location.reload();
    else setBusy(false);
  }

  return (
    <select
      aria-label="Kubernetes context"
      data-testid="context-picker"
      disabled={busy}
      value={answer.selected}
      onChange={(e) => void pick(e.target.value)}
      className="max-w-64 truncate rounded border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200"
    >
      {answer.contexts.map((c) => (
        <option key={c.name} value={c.name} title={c.server}>
          {c.name}
          {c.name === answer.primary ? ' (console)' : ''}
        </option>
      ))}
    </select>
  );
}
