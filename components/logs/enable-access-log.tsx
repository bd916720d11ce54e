'use client';
/** Confirmation before turning access logging on: the exact change to the mesh config, then the write. */
import { useEffect, useState } from 'react';

interface Preview {
  enabled: boolean;
  resourceVersion?: string;
  before?: string;
  after?: string;
}

export function EnableAccessLogDialog({ onClose }: { onClose(): void }) {
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  useEffect(() => {
    fetch('/api/logs/access-log')
      .then((r) => r.json() as Promise<Preview>)
      .then(setPreview)
      .catch((e: Error) => setError(e.message));
  }, []);
  const apply = async () => {
    setError(undefined);
    const r = await fetch('/api/logs/access-log', { method: 'POST', headers: { 'content-type': 'application/json', 'x-gatescope-csrf': '1' }, body: JSON.stringify({ resourceVersion: preview?.resourceVersion }) });
    const body = (await r.json().catch(() => ({}))) as { error?: string };
    if (!r.ok) setError(body.error ?? `HTTP ${r.status}`);
    else setDone(true);
  };
  return (
    <div role="dialog" aria-label="Turn access logging on" className="mt-3 rounded border border-slate-300 bg-white p-3 text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100" data-testid="enable-access-log-dialog">
      <p className="font-medium">Update ConfigMap istio-system/istio, key mesh:</p>
      {preview?.before !== undefined ? (
        <div className="mt-2 grid grid-cols-2 gap-2 font-mono text-xs">
          <pre className="whitespace-pre-wrap rounded bg-red-50 p-2 dark:bg-red-950">{preview.before || '(empty)'}</pre>
          <pre className="whitespace-pre-wrap rounded bg-emerald-50 p-2 dark:bg-emerald-950" data-testid="access-log-after">
            {preview.after}
          </pre>
        </div>
      ) : (
        <p className="mt-2 text-slate-500">{preview ? 'The ConfigMap does not exist: create it with your Istio installation.' : 'Reading the mesh config…'}</p>
      )}
      <p className="mt-2 text-xs text-slate-500">istiod pushes the change to every proxy; gateways then write one line per request to their stdout.</p>
      {error ? <p className="mt-2 text-sm text-red-700">{error}</p> : null}
      {done ? <p className="mt-2 text-sm text-emerald-700">Applied. Lines will appear as traffic arrives.</p> : null}
      <div className="mt-3 flex gap-2">
        <button type="button" disabled={!preview?.resourceVersion || done} onClick={() => void apply()} className="rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900">
          Apply
        </button>
        <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
          Cancel
        </button>
      </div>
    </div>
  );
}
