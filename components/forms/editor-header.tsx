'use client';
/** Title of the editor: which object, which version, where it stands against the live one. */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { DeleteDialog } from '@/components/resources/delete-dialog';
import { KINDS } from '@/components/resources/kinds';
import { cn } from '@/components/ui/cn';
import { liveStatus } from '@/lib/editing/draft';
import { smallButton } from './fields';
import type { EditSession, SessionTarget } from './use-edit-session';

export function EditorHeader({ target, session, readOnly }: { target: SessionTarget; session: EditSession; readOnly: boolean }) {
  const info = KINDS[target.plural];
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const state = session.state!;
  const status = target.mode === 'edit' ? liveStatus(state) : 'unknown';
  const baseRv = state.base?.metadata.resourceVersion;
  const liveRv = state.live ? state.live.metadata.resourceVersion : undefined;
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
      <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-sm">
        <Link href={`/${target.plural}`} className="text-sky-700 hover:underline dark:text-sky-400">
          {info.title}
        </Link>
        <span className="text-slate-400">/</span>
        {target.mode === 'edit' ? (
          <h1 className="font-mono font-semibold">
            {target.namespace}/{target.name}
          </h1>
        ) : (
          <h1 className="font-semibold">{target.cloneFrom ? `New ${info.kind} (copy of ${target.cloneFrom.namespace}/${target.cloneFrom.name})` : `New ${info.kind}`}</h1>
        )}
      </nav>
      {target.mode === 'edit' ? (
        <span
          data-testid="live-status"
          data-status={status}
          className={cn(
            'rounded px-1.5 py-0.5 text-xs',
            status === 'same' && 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
            status === 'changed' && 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
            status === 'deleted' && 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
          )}
          title="The resourceVersion your edit is based on, and the server's"
        >
          {status === 'same' ? `resourceVersion ${baseRv} · live` : status === 'changed' ? `based on ${baseRv} · server has ${liveRv}` : status === 'deleted' ? `based on ${baseRv} · deleted on the server` : `resourceVersion ${baseRv ?? '…'}`}
        </span>
      ) : null}
      {session.dirty ? (
        <span className="rounded bg-sky-100 px-1.5 py-0.5 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-100" data-testid="unsaved">
          unsaved draft
        </span>
      ) : null}
      {readOnly ? <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-200">read-only</span> : null}
      <div className="ml-auto flex items-center gap-2">
        <a href={info.docs} target="_blank" rel="noreferrer" className="text-xs text-slate-500 hover:underline">
          {info.kind} reference ↗
        </a>
        {target.mode === 'edit' ? (
          <>
            <Link href={`/${target.plural}/new?from=${encodeURIComponent(`${target.namespace}/${target.name}`)}`} className={smallButton}>
              Clone
            </Link>
            {!readOnly && state.live ? (
              <button type="button" className={cn(smallButton, 'text-red-700 dark:text-red-400')} onClick={() => setDeleting(true)}>
                Delete…
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      {deleting && state.live ? (
        <DeleteDialog
          plural={target.plural}
          object={state.live}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            session.forget();
            router.push(`/${target.plural}`);
          }}
        />
      ) : null}
    </div>
  );
}
