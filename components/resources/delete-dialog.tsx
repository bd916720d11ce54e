'use client';
/**
 * Delete behind a confirmation that names the object. The delete carries the resourceVersion the
 * user saw, so a change made meanwhile by someone else makes it fail instead of deleting what
 * nobody reviewed.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, deleteObject } from '@/components/data/api';
import type { EditablePlural, KubeObject } from './kinds';
import { KINDS } from './kinds';

export function DeleteDialog({ plural, object, onClose, onDeleted }: { plural: EditablePlural; object: KubeObject; onClose(): void; onDeleted?(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const { namespace = '', name, resourceVersion = '' } = object.metadata;
  const kind = KINDS[plural].kind;

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await deleteObject(plural, namespace, name, resourceVersion);
      onDeleted?.();
      onClose();
    } catch (e) {
      const err = e as ApiError;
      setError(
        err.status === 409
          ? `${kind} ${namespace}/${name} changed on the server since you looked at it (resourceVersion ${resourceVersion}). Close, review it, and delete again.`
          : err.message,
      );
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="delete-title"
      data-testid="delete-dialog"
      className="m-auto w-[28rem] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="p-4">
        <h2 id="delete-title" className="text-base font-semibold">
          Delete {kind} <span className="font-mono">{namespace}/{name}</span>?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          The {kind} is removed from the cluster; traffic it routes stops being routed that way as soon as the gateways get the new configuration. This cannot be undone from gatescope (its YAML is not kept).
        </p>
        <p className="mt-1 text-xs text-slate-500">Deletes resourceVersion {resourceVersion} only: if it changed since, nothing is deleted.</p>
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
        <button type="button" onClick={confirm} disabled={busy} className="rounded bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
          {busy ? 'Deleting…' : `Delete ${name}`}
        </button>
      </div>
    </dialog>
  );
}
