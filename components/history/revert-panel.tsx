'use client';
/**
 * Reverting an object to a recorded version through the forms' pipeline: the draft is the live
 * object with the version's spec, labels and annotations (lib/history/versions.ts `revertDraft`),
 * shown as a diff against live, checked with the server's dry-run, then applied as an update that
 * carries the live resourceVersion (a change in between answers 409 and nothing is forced). An
 * object deleted since is created again from the version.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, createObject, updateObject } from '@/components/data/api';
import { DiffList } from '@/components/forms/diff-list';
import type { EditablePlural, KubeObject } from '@/components/resources/kinds';
import { cn } from '@/components/ui/cn';
import { diff, type Change } from '@/lib/editing/diff';
import { withoutServerFields } from '@/lib/editing/server-fields';
import { revertDraft, type HistorySummary, type HistoryVersion } from '@/lib/history/versions';

type Step =
  | { kind: 'loading' }
  | { kind: 'dry-running'; live?: KubeObject; draft: KubeObject; changes: Change[] }
  | { kind: 'ready'; live?: KubeObject; draft: KubeObject; changes: Change[]; warnings: string[] }
  | { kind: 'applying'; live?: KubeObject; draft: KubeObject; changes: Change[] }
  | { kind: 'applied'; object: KubeObject; changes: Change[] }
  | { kind: 'failed'; message: string; changes?: Change[] };

async function json<T>(url: string): Promise<{ status: number; body?: T }> {
  const res = await fetch(url, { cache: 'no-store' });
  return { status: res.status, body: res.ok ? ((await res.json()) as T) : undefined };
}

const btn = 'rounded px-3 py-1 text-sm disabled:opacity-50';

export function RevertPanel({ entry, onClose }: { entry: HistorySummary; onClose: () => void }) {
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const plural = entry.plural as EditablePlural;
  const url = `/api/resources/${plural}/${encodeURIComponent(entry.namespace)}/${encodeURIComponent(entry.name)}`;

  const prepare = useCallback(async () => {
    try {
      const version = await json<HistoryVersion>(`/api/history/${entry.seq}`);
      if (!version.body) throw new Error(`version ${entry.seq} is no longer in the history (it is bounded)`);
      const live = await json<KubeObject>(url);
      if (live.status !== 200 && live.status !== 404) throw new Error(`reading the live object failed: HTTP ${live.status}`);
      const target = version.body.object as unknown as KubeObject;
      const draft = live.body ? (revertDraft(live.body, target) as KubeObject) : (withoutServerFields(target) as KubeObject);
      const changes = diff(live.body ?? {}, draft);
      setStep({ kind: 'dry-running', ...(live.body ? { live: live.body } : {}), draft, changes });
      const r = live.body ? await updateObject(plural, live.body, draft, true) : await createObject(plural, draft, true);
      setStep({ kind: 'ready', ...(live.body ? { live: live.body } : {}), draft, changes, warnings: r.warnings ?? [] });
    } catch (e) {
      setStep({ kind: 'failed', message: e instanceof ApiError ? `dry-run refused: ${e.message}` : (e as Error).message });
    }
  }, [entry.seq, plural, url]);

  useEffect(() => {
    // Prepared once when the panel opens (after mount: reading the version and the live object).
    void Promise.resolve().then(prepare);
  }, [prepare]);

  const apply = async () => {
    if (step.kind !== 'ready') return;
    const { live, draft, changes } = step;
    setStep({ kind: 'applying', ...(live ? { live } : {}), draft, changes });
    try {
      const r = live ? await updateObject(plural, live, draft, false) : await createObject(plural, draft, false);
      setStep({ kind: 'applied', object: r.object, changes });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
      setStep({
        kind: 'failed',
        message: err.status === 409 ? 'the object changed on the server since the dry-run: prepare the revert again to see the new difference' : `apply refused: ${err.message}`,
        changes,
      });
    }
  };

  const changes = 'changes' in step ? step.changes : undefined;
  return (
    <div className="mt-2 rounded border border-sky-300 bg-sky-50 p-3 dark:border-sky-800 dark:bg-sky-950" data-testid="revert-panel">
      <div className="flex flex-wrap items-baseline gap-2 text-sm">
        <span className="font-semibold">
          Revert {entry.kind} {entry.namespace}/{entry.name} to resourceVersion {entry.resourceVersion}
        </span>
        <span className="text-slate-500">(changes from the live object)</span>
      </div>
      {changes ? (
        <div className="mt-2">
          <DiffList changes={changes} empty="The live object already matches this version." testId="revert-diff" />
        </div>
      ) : null}
      <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
        {step.kind === 'loading' || step.kind === 'dry-running' ? <span className="animate-pulse text-slate-500">Dry run…</span> : null}
        {step.kind === 'ready' ? (
          <span className="rounded bg-emerald-100 px-2 py-0.5 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" data-testid="revert-dry-run-ok">
            ✔ Dry run accepted by the API server{step.warnings.length ? ` (warnings: ${step.warnings.join('; ')})` : ''}
          </span>
        ) : null}
        {step.kind === 'applying' ? <span className="animate-pulse text-slate-500">Applying…</span> : null}
        {step.kind === 'applied' ? (
          <span className="rounded bg-emerald-100 px-2 py-0.5 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" data-testid="revert-applied">
            ✔ Reverted: now resourceVersion {step.object.metadata.resourceVersion}
          </span>
        ) : null}
        {step.kind === 'failed' ? (
          <span className="rounded bg-red-100 px-2 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-200" data-testid="revert-failed">
            {step.message}
          </span>
        ) : null}
        <span className="ml-auto flex gap-2">
          {step.kind === 'failed' ? (
            <button type="button" className={cn(btn, 'border border-slate-300 dark:border-slate-700')} onClick={() => {
                setStep({ kind: 'loading' });
                void prepare();
              }}
            >
              Prepare again
            </button>
          ) : null}
          <button
            type="button"
            className={cn(btn, 'bg-sky-700 text-white hover:bg-sky-800')}
            disabled={step.kind !== 'ready' || step.changes.length === 0}
            onClick={() => void apply()}
            data-testid="revert-apply"
          >
            Apply revert
          </button>
          <button type="button" className={cn(btn, 'border border-slate-300 dark:border-slate-700')} onClick={onClose}>
            {step.kind === 'applied' ? 'Close' : 'Cancel'}
          </button>
        </span>
      </div>
    </div>
  );
}
