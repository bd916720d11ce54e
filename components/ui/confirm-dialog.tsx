'use client';
/**
 * A modal confirmation for an action that changes the cluster: says what will happen, runs the
 * action on confirm, keeps the dialog open with the server's words when it fails, and closes when it
 * succeeds. Cancel has the focus, so Enter never confirms by accident.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function ConfirmDialog({
  title,
  children,
  note,
  confirmLabel,
  busyLabel,
  onConfirm,
  onClose,
  describeError = (e) => (e as Error).message,
  testId,
  confirmTestId,
  width = 'w-[28rem]',
}: {
  title: ReactNode;
  /** What happens, in words. */
  children: ReactNode;
  /** One small line under it (who acts, what is checked). */
  note?: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  /** Runs the action; a rejection keeps the dialog open with `describeError`'s message. */
  onConfirm(): Promise<void>;
  onClose(): void;
  describeError?(e: unknown): string;
  testId?: string;
  confirmTestId?: string;
  width?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
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
      await onConfirm();
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      data-testid={testId}
      className={`m-auto ${width} rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      <div className="p-4">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{children}</p>
        {note ? <p className="mt-1 text-xs text-slate-500">{note}</p> : null}
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
        <button type="button" onClick={confirm} disabled={busy} className="rounded bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50" data-testid={confirmTestId}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
