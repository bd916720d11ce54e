'use client';
/**
 * The bottom bar of every editor: what applying would change (Diff), the server's dry-run, and
 * Apply — disabled, with the reason in words, while the draft has blocking issues, the YAML does
 * not parse, nothing changed, or the user may not write.
 */
import { useState } from 'react';
import { cn } from '@/components/ui/cn';
import { DiffList } from './diff-list';
import { smallButton } from './fields';
import { revealField } from './findings-list';
import { OutcomePanel } from './outcome-panel';
import type { ApplyPipeline } from './use-apply';
import { pendingDiff, type EditSession } from './use-edit-session';
import type { Issue } from './validation';
import type { YamlError } from './yaml-text';

export function ApplyBar({
  session,
  pipeline,
  issues,
  readOnly,
  readOnlyReason,
  yamlError,
  validating,
}: {
  session: EditSession;
  pipeline: ApplyPipeline;
  issues: readonly Issue[];
  readOnly: boolean;
  readOnlyReason?: string;
  yamlError?: YamlError;
  validating: boolean;
}) {
  const [showDiff, setShowDiff] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const changes = pendingDiff(session.state);
  const blocking = issues.filter((i) => i.blocking);
  const running = pipeline.outcome.kind === 'running' ? pipeline.outcome.action : undefined;

  const why = readOnly
    ? `Read-only: ${readOnlyReason ?? 'you may not change this object'}`
    : yamlError
      ? 'Fix the YAML first'
      : blocking.length
        ? `${blocking.length} issue${blocking.length > 1 ? 's' : ''} to fix first`
        : !session.dirty && !session.creating
          ? 'Nothing to apply: no change yet'
          : validating
            ? 'Checking…'
            : undefined;
  const canApply = !why && !pipeline.busy;
  const canDryRun = !readOnly && !yamlError && !pipeline.busy && (session.dirty || session.creating);

  return (
    <div className="border-t border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" data-testid="apply-bar">
      {showDiff || pipeline.outcome.kind !== 'idle' ? (
        <div className="max-h-[40vh] space-y-2 overflow-y-auto border-b border-slate-200 p-3 dark:border-slate-800">
          {showDiff ? (
            <div data-testid="diff-panel">
              <div className="mb-1 flex items-center text-xs font-semibold text-slate-600 dark:text-slate-300">
                {session.creating ? 'The new object' : 'Your changes (the object as you opened it → your draft)'}
                <button type="button" className="ml-auto text-slate-400 hover:text-slate-700" onClick={() => setShowDiff(false)} aria-label="Close diff">
                  ✕
                </button>
              </div>
              <DiffList changes={changes} empty="No changes yet." />
            </div>
          ) : null}
          <OutcomePanel pipeline={pipeline} />
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2 px-4 py-2">
        <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="change-count">
          {session.creating ? 'New object' : `${changes.length} change${changes.length === 1 ? '' : 's'}`}
        </span>
        {blocking.length ? (
          <button type="button" className="text-sm text-red-700 hover:underline dark:text-red-400" onClick={() => revealField(blocking[0]!.path)} data-testid="blocking-summary">
            {blocking.length} blocking issue{blocking.length > 1 ? 's' : ''}: {blocking[0]!.path || blocking[0]!.code} — {blocking[0]!.message.slice(0, 90)}
            {blocking[0]!.message.length > 90 ? '…' : ''}
          </button>
        ) : why && session.dirty ? (
          <span className="text-sm text-slate-500">{why}</span>
        ) : null}
        <div className="ml-auto flex items-center gap-2">
          {session.dirty && !readOnly ? (
            confirmDiscard ? (
              <span className="flex items-center gap-1 text-xs">
                Discard your draft?
                <button
                  type="button"
                  className={cn(smallButton, 'text-red-700')}
                  onClick={() => {
                    setConfirmDiscard(false);
                    pipeline.dismiss();
                    session.discard();
                  }}
                >
                  Discard
                </button>
                <button type="button" className={smallButton} onClick={() => setConfirmDiscard(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" className={smallButton} onClick={() => setConfirmDiscard(true)}>
                Discard draft
              </button>
            )
          ) : null}
          <button type="button" aria-pressed={showDiff} className={cn(smallButton, 'px-3 py-1 text-sm', showDiff && 'bg-slate-100 dark:bg-slate-800')} onClick={() => setShowDiff((v) => !v)}>
            Diff{changes.length ? ` (${changes.length})` : ''}
          </button>
          <button type="button" className={cn(smallButton, 'px-3 py-1 text-sm')} disabled={!canDryRun} onClick={pipeline.dryRun} title="Ask the API server to validate the change without writing it (dryRun=All)">
            {running === 'dry-run' ? 'Dry-run…' : 'Dry-run'}
          </button>
          <button
            type="button"
            className="rounded bg-sky-700 px-4 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-600 dark:disabled:bg-slate-700 dark:disabled:text-slate-400"
            disabled={!canApply}
            title={why ?? (session.creating ? 'Create the object' : 'Update the object (with the resourceVersion you started from)')}
            onClick={pipeline.apply}
          >
            {running === 'apply' ? 'Applying…' : session.creating ? 'Create' : 'Apply'}
          </button>
        </div>
      </div>
    </div>
  );
}
