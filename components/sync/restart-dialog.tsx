'use client';
/**
 * Restart a gateway pod, or rollout-restart its Deployment, behind a confirmation that says what
 * happens. The request runs as the console's user (the API server's 403 is shown as is) and
 * carries the CSRF header every state-changing route requires.
 */
import { useEffect, useRef, useState } from 'react';

export type RestartTarget = 'pod' | 'deployment';

const CSRF = { 'x-gatescope-csrf': '1' };

export async function restartGateway(namespace: string, pod: string, target: RestartTarget): Promise<{ message: string }> {
  const res = await fetch(`/api/proxies/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/restart?target=${target}`, { method: 'POST', headers: CSRF });
  const body = (await res.json().catch(() => ({}))) as { message?: string; error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return { message: body.message ?? 'done' };
}

export function RestartDialog({ namespace, pod, target, onClose, onDone }: { namespace: string; pod: string; target: RestartTarget; onClose(): void; onDone(message: string): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await restartGateway(namespace, pod, target);
      onDone(r.message);
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const title = target === 'pod' ? 'Restart gateway pod' : 'Rollout restart of the gateway Deployment';
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="restart-title"
      data-testid="restart-dialog"
      className="m-auto w-[30rem] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="p-4">
        <h2 id="restart-title" className="text-base font-semibold">
          {title}?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          {target === 'pod' ? (
            <>
              Pod <span className="font-mono">{namespace}/{pod}</span> is deleted; its Deployment starts a replacement, which receives a full configuration push from istiod. Connections it serves are cut.
            </>
          ) : (
            <>
              The Deployment that owns <span className="font-mono">{namespace}/{pod}</span> gets a new <span className="font-mono">kubectl.kubernetes.io/restartedAt</span> annotation on its pod template (as <span className="font-mono">kubectl rollout restart</span> does): every gateway pod is replaced, following its rollout strategy.
            </>
          )}
        </p>
        <p className="mt-1 text-xs text-slate-500">Runs with your kubeconfig&apos;s identity: the cluster decides whether you may.</p>
        {error ? (
          <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        ) : null}
      </div>
      <div className="flex justify-end gap-2 border-t border-slate-200 bg-slate-50 px-4 py-2 dark:border-slate-800 dark:bg-slate-950">
        <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" autoFocus>
          Cancel
        </button>
        <button type="button" onClick={confirm} disabled={busy} className="rounded bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50" data-testid="restart-confirm">
          {busy ? 'Restarting…' : target === 'pod' ? `Restart ${pod}` : 'Rollout restart'}
        </button>
      </div>
    </dialog>
  );
}
