'use client';
/** Notices above the form: a restored draft, the server's object moving on, read-only, YAML errors. */
import { useSearchParams } from 'next/navigation';
import type { AccessAnswer } from '@/components/data/api';
import { serverChanges } from '@/lib/editing/draft';
import { DiffList } from './diff-list';
import { smallButton } from './fields';
import type { ApplyPipeline } from './use-apply';
import type { EditSession } from './use-edit-session';
import type { YamlError } from './yaml-text';

function Banner({ tone, children, testId }: { tone: 'info' | 'warn' | 'error'; children: React.ReactNode; testId: string }) {
  const cls =
    tone === 'info'
      ? 'border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-50'
      : tone === 'warn'
        ? 'border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-50'
        : 'border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950 dark:text-red-50';
  return (
    <div className={`border-b px-4 py-2 text-sm ${cls}`} data-testid={testId} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function EditorBanners({
  session,
  pipeline,
  access,
  accessError,
  yamlError,
  justCreated,
}: {
  session: EditSession;
  pipeline: ApplyPipeline;
  access?: AccessAnswer;
  accessError?: string;
  yamlError?: YamlError;
  justCreated?: boolean;
}) {
  const state = session.state!;
  // `?fix=…`: the Validation page (or another editor) opened this one with a prefilled fix.
  const fixTitle = useSearchParams().get('fix');
  const prefilled = !!fixTitle && session.dirty && !!session.restoredAt;
  const theirs = state.base && state.live ? serverChanges(state) : [];
  const moved = !!state.base && !!state.live && state.live.metadata.resourceVersion !== state.base.metadata.resourceVersion;
  return (
    <>
      {access && !access.allowed ? (
        <Banner tone="warn" testId="read-only-banner">
          <span className="font-semibold">Read-only.</span> {access.reason ?? 'You may not change this object.'}
          {access.deniedBy === 'rbac' ? ' (the cluster answered a SelfSubjectAccessReview with "no")' : ''}
        </Banner>
      ) : null}
      {accessError ? (
        <Banner tone="warn" testId="access-unknown">
          Could not check your permissions ({accessError}); the server will still refuse what you may not do.
        </Banner>
      ) : null}
      {justCreated && !session.dirty ? (
        <Banner tone="info" testId="created-banner">
          Created. This is the object as the cluster stored it.
        </Banner>
      ) : null}
      {prefilled ? (
        <Banner tone="info" testId="prefilled-fix-banner">
          <span className="font-semibold">Prefilled fix:</span> {fixTitle}. Nothing is applied yet: review the change, then Apply (diff and server dry-run first).{' '}
          <button type="button" className={`${smallButton} ml-2`} onClick={session.discard}>
            Discard it
          </button>
        </Banner>
      ) : null}
      {session.restoredAt && session.dirty && !prefilled ? (
        <Banner tone="info" testId="restored-banner">
          Restored your unsaved draft from {new Date(session.restoredAt).toLocaleString()}.{' '}
          <button type="button" className={`${smallButton} ml-2`} onClick={session.discard}>
            Discard it
          </button>
        </Banner>
      ) : null}
      {state.base && state.live === null ? (
        <Banner tone="error" testId="deleted-banner">
          This object was deleted on the server since you opened it. Applying will fail; your draft is kept here (and in its YAML).
        </Banner>
      ) : null}
      {moved && session.dirty ? (
        <Banner tone="warn" testId="server-changed-banner">
          <div className="flex flex-wrap items-center gap-2">
            <span>
              Someone changed this object on the server since you opened it (resourceVersion {state.base!.metadata.resourceVersion} → {state.live!.metadata.resourceVersion}). Your draft is kept.
            </span>
            <button type="button" className={smallButton} onClick={pipeline.rebaseNow} disabled={pipeline.busy}>
              Rebase my draft onto it
            </button>
          </div>
          {theirs.length ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs">What changed ({theirs.length})</summary>
              <div className="mt-1">
                <DiffList changes={theirs} testId="server-changes" />
              </div>
            </details>
          ) : null}
        </Banner>
      ) : null}
      {yamlError ? (
        <Banner tone="error" testId="yaml-error-banner">
          The YAML pane has an error{yamlError.line ? ` on line ${yamlError.line}` : ''}: the form shows the last valid version, and Apply waits until the YAML parses.
        </Banner>
      ) : null}
    </>
  );
}
