'use client';
/**
 * What the server said about the last dry-run or apply: accepted (with what it would store),
 * refused (with its causes, also shown on their fields), or 409 — what changed on the server
 * since the form opened, then either the rebased result to confirm or the conflicts with both
 * values. The draft is never touched by any of this until the user chooses.
 */
import { cn } from '@/components/ui/cn';
import { DiffList, ValueText } from './diff-list';
import { smallButton } from './fields';
import type { ApplyPipeline } from './use-apply';

const primary = 'rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800 disabled:opacity-50';

function Panel({ tone, title, children, onClose, testId }: { tone: 'ok' | 'error' | 'warn'; title: string; children?: React.ReactNode; onClose(): void; testId: string }) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={cn(
        'rounded-md border p-3 text-sm',
        tone === 'ok' && 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-50',
        tone === 'error' && 'border-red-300 bg-red-50 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-50',
        tone === 'warn' && 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50',
      )}
    >
      <div className="mb-1 flex items-start gap-2">
        <h3 className="font-semibold">{title}</h3>
        <button type="button" onClick={onClose} className="ml-auto text-xs opacity-70 hover:opacity-100" aria-label="Close">
          ✕
        </button>
      </div>
      {children}
    </div>
  );
}

export function OutcomePanel({ pipeline }: { pipeline: ApplyPipeline }) {
  const o = pipeline.outcome;
  if (o.kind === 'idle' || o.kind === 'running') return null;
  if (o.kind === 'dry-run-ok') {
    return (
      <Panel tone="ok" title="Server dry-run passed: the API server would accept this." onClose={pipeline.dismiss} testId="dry-run-ok">
        <p className="mb-2 text-xs opacity-80">Nothing was written. What it would store, compared with the object you started from (defaults the server adds included):</p>
        <DiffList changes={o.changes} empty="No change: the server would store the object as it is." />
        {o.warnings.map((w) => (
          <p key={w} className="mt-1 text-xs text-amber-800 dark:text-amber-200">
            Warning: {w}
          </p>
        ))}
      </Panel>
    );
  }
  if (o.kind === 'applied') {
    return (
      <Panel tone="ok" title={`Applied. resourceVersion ${o.object.metadata.resourceVersion ?? '?'}.`} onClose={pipeline.dismiss} testId="applied">
        <p className="text-xs opacity-80">The cluster now has your version; the page follows the live object again.</p>
      </Panel>
    );
  }
  if (o.kind === 'failed') {
    const e = o.error;
    const title =
      e.status === 422
        ? `The API server refused the ${o.action === 'dry-run' ? 'dry-run' : 'change'} (422 Invalid).`
        : e.status === 403
          ? 'Not allowed (403).'
          : e.status === 404
            ? 'Not found (404).'
            : e.status === 0
              ? 'The console did not answer.'
              : `The ${o.action} failed (${e.status}${e.reason ? ` ${e.reason}` : ''}).`;
    return (
      <Panel tone="error" title={title} onClose={pipeline.dismiss} testId="apply-failed">
        <p className="break-words text-xs">{e.message}</p>
        {e.causes.length ? (
          <ul className="mt-1 list-disc pl-5 text-xs">
            {e.causes.map((c, i) => (
              <li key={i}>
                <span className="font-mono">{c.field || '(object)'}</span>: {c.message}
              </li>
            ))}
          </ul>
        ) : null}
        <p className="mt-1 text-xs opacity-80">Your draft is kept{e.causes.length ? '; each cause is also shown on its field' : ''}.</p>
      </Panel>
    );
  }
  const a = o.answer;
  const theirs = (
    <div className="mb-2">
      <div className="mb-1 text-xs font-semibold">Changed on the server since you opened it:</div>
      <DiffList changes={a.theirs} testId="theirs" />
    </div>
  );
  if (a.status === 'rebased') {
    const dryFailed = a.dryRun && !a.dryRun.ok;
    return (
      <Panel tone="warn" title="Someone else changed this object. Your changes were rebased onto theirs." onClose={pipeline.dismiss} testId="rebased">
        {theirs}
        <div className="mb-2">
          <div className="mb-1 text-xs font-semibold">Applying now will change:</div>
          <DiffList changes={a.diff} testId="rebased-diff" />
        </div>
        {dryFailed ? (
          <p className="mb-2 text-xs text-red-700 dark:text-red-300">The server&apos;s dry-run of the rebased object failed: {a.dryRun?.error?.message}</p>
        ) : a.dryRun?.ok ? (
          <p className="mb-2 text-xs opacity-80">The API server&apos;s dry-run accepted the rebased object.</p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <button type="button" className={primary} disabled={pipeline.busy || dryFailed} onClick={() => pipeline.acceptRebased(true)}>
            Apply rebased version
          </button>
          <button type="button" className={smallButton} disabled={pipeline.busy} onClick={() => pipeline.acceptRebased(false)}>
            Take it into the form to review
          </button>
        </div>
      </Panel>
    );
  }
  if (a.status === 'conflict') {
    return (
      <Panel tone="error" title="Conflict: someone else changed the same fields. Your draft is kept." onClose={pipeline.dismiss} testId="conflict">
        {theirs}
        <table className="mb-2 w-full text-left text-xs" data-testid="conflicts">
          <thead>
            <tr className="border-b border-current/20">
              <th className="py-1 pr-2 font-semibold">Field</th>
              <th className="py-1 pr-2 font-semibold">When you opened it</th>
              <th className="py-1 pr-2 font-semibold">Yours</th>
              <th className="py-1 font-semibold">On the server now</th>
            </tr>
          </thead>
          <tbody>
            {a.conflicts.map((c) => (
              <tr key={c.pointer} className="align-top" data-testid="conflict-row" data-path={c.display}>
                <td className="py-1 pr-2 font-mono">{c.display}</td>
                <td className="py-1 pr-2">
                  <ValueText value={c.base} />
                </td>
                <td className="py-1 pr-2" data-testid="conflict-mine">
                  <ValueText value={c.mine} />
                </td>
                <td className="py-1" data-testid="conflict-theirs">
                  <ValueText value={c.theirs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={smallButton} onClick={() => pipeline.resolveConflicts('mine')}>
            Keep mine for these fields
          </button>
          <button type="button" className={smallButton} onClick={() => pipeline.resolveConflicts('theirs')}>
            Take theirs for these fields
          </button>
          <span className="self-center text-xs opacity-80">Either way the rest of both edits is merged, and you review and apply again.</span>
        </div>
      </Panel>
    );
  }
  return (
    <Panel tone="warn" title="The object changed on the server." onClose={pipeline.dismiss} testId="stale">
      {theirs}
    </Panel>
  );
}
