'use client';
/**
 * Every issue of the draft in one list: schema errors, istioctl-analyze-like findings with their
 * codes and documentation links, and the server's causes. A path jumps to its field.
 */
import { useState } from 'react';
import { cn } from '@/components/ui/cn';
import type { ProposedFix } from '@/lib/analysis/fixes';
import { ancestors } from './object-path';
import type { Issue } from './validation';

const LEVEL_STYLE: Record<Issue['level'], string> = {
  Error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  Warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  Info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
};

const SOURCE: Record<Issue['source'], string> = { schema: 'CRD schema', analysis: 'analysis', metadata: 'metadata', server: 'API server' };

/** Scrolls to (and focuses) the field of `path`, or its closest shown ancestor; opens collapsed groups on the way. */
export function revealField(path: string): void {
  for (const p of ancestors(path)) {
    const el = document.querySelector<HTMLElement>(`[data-field="${CSS.escape(p)}"]`);
    if (!el) continue;
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.querySelector<HTMLElement>('input, select, textarea, [role="slider"]')?.focus({ preventScroll: true });
    el.classList.add('ring-2', 'ring-sky-400');
    setTimeout(() => el.classList.remove('ring-2', 'ring-sky-400'), 1200);
    return;
  }
}

export function FindingsList({
  issues,
  validating,
  fixes,
  onFix,
  onSuppress,
}: {
  issues: readonly Issue[];
  validating: boolean;
  /** Prefilled fixes by issue (lib/analysis/fixes); "Fix…" puts one into the draft or opens the object it changes. */
  fixes?: ReadonlyMap<Issue, ProposedFix>;
  onFix?(fix: ProposedFix): void;
  /** Suppress an analysis finding in the draft (annotations; applied with the rest of the draft). */
  onSuppress?(code: string, reason: string): void;
}) {
  const errors = issues.filter((i) => i.level === 'Error').length;
  const warnings = issues.filter((i) => i.level === 'Warning').length;
  return (
    <div className="flex min-h-0 flex-col" data-testid="findings-list">
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 text-xs dark:border-slate-800">
        <span className="font-medium text-slate-600 dark:text-slate-300">Validation</span>
        <span className={cn('rounded px-1.5', errors ? LEVEL_STYLE.Error : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300')} data-testid="error-count">
          {errors} error{errors === 1 ? '' : 's'}
        </span>
        <span className={cn('rounded px-1.5', warnings ? LEVEL_STYLE.Warning : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300')}>
          {warnings} warning{warnings === 1 ? '' : 's'}
        </span>
        {issues.some((i) => i.blocking) ? (
          <span className="rounded bg-red-600 px-1.5 text-white" data-testid="blocking-count">
            {issues.filter((i) => i.blocking).length} block{issues.filter((i) => i.blocking).length === 1 ? 's' : ''} apply
          </span>
        ) : null}
        {validating ? <span className="ml-auto animate-pulse text-slate-400">checking…</span> : <span className="ml-auto text-slate-400">CRD schema · istioctl analyze · gatescope</span>}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {issues.length === 0 ? (
          <p className="px-3 py-2 text-xs text-emerald-700 dark:text-emerald-400" data-testid="findings-clean">
            ✔ No issues: the schema accepts it and analysis finds nothing.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800">
            {issues.map((i, n) => (
              <li key={`${i.code}-${i.path}-${n}`} className="px-3 py-1.5 text-xs" data-testid="finding" data-code={i.code} data-level={i.level} data-path={i.path}>
                <div className="flex flex-wrap items-center gap-1.5">
                  <span className={cn('rounded px-1', LEVEL_STYLE[i.level])}>{i.level}</span>
                  {i.documentationUrl ? (
                    <a href={i.documentationUrl} target="_blank" rel="noreferrer" className="font-mono text-sky-700 underline dark:text-sky-400">
                      {i.code}
                    </a>
                  ) : (
                    <span className="font-mono text-slate-500">{i.code}</span>
                  )}
                  <span className="text-slate-400">{SOURCE[i.source]}</span>
                  {i.path ? (
                    <button type="button" onClick={() => revealField(i.path)} className="font-mono text-slate-600 hover:text-sky-700 hover:underline dark:text-slate-300" title="Show the field">
                      {i.path}
                    </button>
                  ) : null}
                  {i.blocking ? <span className="ml-auto text-[10px] uppercase tracking-wide text-red-600 dark:text-red-400">blocks apply</span> : null}
                </div>
                <p className="mt-0.5 text-slate-800 dark:text-slate-200">{i.message}</p>
                {i.fix ? <p className="text-slate-500">Fix: {i.fix}</p> : null}
                {i.source === 'analysis' && onSuppress ? <SuppressInDraft code={i.code} onSuppress={onSuppress} /> : null}
                {fixes?.get(i) && onFix ? (
                  <div className="mt-1 flex flex-wrap items-center gap-1.5">
                    <button
                      type="button"
                      onClick={() => onFix(fixes.get(i)!)}
                      className="rounded border border-sky-400 px-1.5 py-0.5 text-sky-800 hover:bg-sky-50 dark:border-sky-700 dark:text-sky-300 dark:hover:bg-sky-950"
                      data-testid="fix-button"
                      title={fixes.get(i)!.note ?? fixes.get(i)!.title}
                    >
                      Fix…
                    </button>
                    <span className="text-slate-600 dark:text-slate-300">{fixes.get(i)!.title}</span>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** "Suppress…" in the editor: the suppression goes into the draft, reviewed and applied with it. */
function SuppressInDraft({ code, onSuppress }: { code: string; onSuppress(code: string, reason: string): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button type="button" className="mt-1 text-slate-500 underline decoration-dotted hover:text-slate-700 dark:hover:text-slate-300" onClick={() => setOpen(true)} data-testid="suppress-in-draft">
        Suppress {code}…
      </button>
    );
  }
  return (
    <form
      className="mt-1 flex flex-wrap items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason.trim()) return;
        onSuppress(code, reason);
        setOpen(false);
      }}
    >
      <input
        aria-label={`Reason for suppressing ${code}`}
        placeholder="Why is this fine? (kept on the object)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        className="min-w-48 flex-1 rounded border border-slate-300 bg-transparent px-1.5 py-0.5 dark:border-slate-700"
        autoFocus
      />
      <button type="submit" className="rounded border border-slate-300 px-1.5 py-0.5 disabled:opacity-50 dark:border-slate-700" disabled={!reason.trim()}>
        Suppress in draft
      </button>
      <button type="button" className="px-1 text-slate-500" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
