'use client';
/**
 * Change the Envoy log level of one gateway pod (`POST /logging?level=…` through the console's
 * admin route: the one POST the allow-list permits, CSRF-checked, refused under --read-only),
 * behind a confirmation. Levels stay until the proxy restarts.
 */
import { useState } from 'react';

const LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;

export function LogLevel({ namespace, pod }: { namespace: string; pod: string }) {
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('debug');
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();

  const apply = async () => {
    setConfirming(false);
    try {
      const res = await fetch(`/api/proxies/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/admin/logging?level=${level}`, { method: 'POST', headers: { 'x-gatescope-csrf': '1' } });
      const text = await res.text();
      let msg = text;
      try {
        msg = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        /* Envoy answers plain text */
      }
      setResult(res.ok ? { ok: true, text: `every logger of ${pod} is now at ${level}` } : { ok: false, text: `HTTP ${res.status}: ${msg}` });
    } catch (e) {
      setResult({ ok: false, text: (e as Error).message });
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-1 text-xs" data-testid="log-level">
      <label htmlFor={`level-${pod}`} className="text-slate-500">
        Envoy log level
      </label>
      <select id={`level-${pod}`} value={level} onChange={(e) => setLevel(e.target.value as (typeof LEVELS)[number])} className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-700">
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
      {confirming ? (
        <>
          <span>Set every logger of {pod} to {level}?</span>
          <button type="button" onClick={() => void apply()} className="rounded bg-red-700 px-2 py-0.5 font-medium text-white hover:bg-red-800" data-testid="log-level-confirm">
            Confirm
          </button>
          <button type="button" onClick={() => setConfirming(false)} className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700">
            Cancel
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" data-testid="log-level-set">
          Set
        </button>
      )}
      {result ? <span className={result.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-300'}>{result.text}</span> : null}
    </div>
  );
}
