'use client';
/**
 * Reordering a VirtualService's HTTP routes from the overview's side panel, through the same
 * pipeline as the editor: the structural diff, a server dry-run, then an update carrying the
 * resourceVersion the new order was made on (a change by anyone else meanwhile fails with 409
 * and the panel says so instead of overwriting it).
 */
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { ApiError, updateObject } from '@/components/data/api';
import { useResources } from '@/components/data/use-resources';
import { DiffList } from '@/components/forms/diff-list';
import { editorHref, type KubeObject } from '@/components/resources/kinds';
import { diff } from '@/lib/editing/diff';
import { moveRoute } from '@/lib/editing/route-order';

const button = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800';

type Route = { name?: string; match?: Array<{ uri?: Record<string, string> }> };

function label(r: Route, i: number): string {
  const uri = r.match?.[0]?.uri;
  const m = uri ? Object.entries(uri).map(([k, v]) => `${k} ${v}`)[0] : undefined;
  return `${r.name ? `"${r.name}"` : `#${i + 1}`}${m ? ` · ${m}` : r.match?.length ? '' : ' · any'}`;
}

type Outcome = { kind: 'dry-run-ok' } | { kind: 'applied'; rv?: string } | { kind: 'error'; message: string };

export function RouteOrder({ namespace, name }: { namespace: string; name: string }) {
  const list = useResources('virtualservices');
  const live = list.items.find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
  // The edit keeps the object it was made from (base): a newer live object does not replace it,
  // and base's resourceVersion is the update's precondition.
  const [edit, setEdit] = useState<{ base: KubeObject; draft: KubeObject } | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);
  const draft = edit?.draft;
  const shown = draft ?? live;
  const routes = (shown?.spec?.http as Route[] | undefined) ?? [];
  const changes = useMemo(() => (edit ? diff(edit.base, edit.draft) : []), [edit]);
  const moved = !!edit && !!live && edit.base.metadata.resourceVersion !== live.metadata.resourceVersion;
  if (!live || routes.length < 2) return null;

  const move = (from: number, to: number) => {
    setOutcome(undefined);
    setEdit({ base: edit?.base ?? live, draft: moveRoute(shown!, 'http', from, to) });
  };
  const setDraft = (v: undefined) => setEdit(v);
  const write = async (dryRun: boolean) => {
    if (!edit) return;
    setBusy(true);
    try {
      const res = await updateObject('virtualservices', edit.base, edit.draft, dryRun);
      if (dryRun) setOutcome({ kind: 'dry-run-ok' });
      else {
        setOutcome({ kind: 'applied', rv: res.object.metadata.resourceVersion });
        setDraft(undefined);
      }
    } catch (e) {
      const err = e as ApiError;
      setOutcome({
        kind: 'error',
        message:
          err.status === 409
            ? 'The VirtualService changed on the server since you reordered: nothing was written. Discard and reorder again, or open the editor to rebase.'
            : err.message,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="mt-4" data-testid="route-order">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">HTTP routes · first match wins</h3>
      <ol className="mt-1 space-y-1">
        {routes.map((r, i) => (
          <li key={`${r.name ?? ''}-${i}`} className="flex items-center gap-1 font-mono text-xs" data-testid="route-order-item">
            <span className="min-w-0 flex-1 truncate">{label(r, i)}</span>
            <button type="button" className={button} aria-label={`Move route ${label(r, i)} up`} disabled={i === 0 || busy} onClick={() => move(i, i - 1)}>
              ↑
            </button>
            <button type="button" className={button} aria-label={`Move route ${label(r, i)} down`} disabled={i === routes.length - 1 || busy} onClick={() => move(i, i + 1)}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      {draft ? (
        <div className="mt-2 space-y-2 rounded border border-slate-200 p-2 dark:border-slate-800">
          <DiffList changes={changes} testId="route-order-diff" />
          {moved ? <p className="text-xs text-amber-700">The VirtualService changed on the server since you reordered.</p> : null}
          <div className="flex flex-wrap gap-1">
            <button type="button" className={button} disabled={busy} onClick={() => void write(true)}>
              Dry-run
            </button>
            <button type="button" className={button} disabled={busy || outcome?.kind !== 'dry-run-ok'} onClick={() => void write(false)} title="Apply after a passing dry-run">
              Apply
            </button>
            <button
              type="button"
              className={button}
              disabled={busy}
              onClick={() => {
                setDraft(undefined);
                setOutcome(undefined);
              }}
            >
              Discard
            </button>
            <Link href={editorHref('virtualservices', namespace, name)} className="ml-auto text-xs text-sky-700 underline dark:text-sky-400">
              Open in the editor
            </Link>
          </div>
        </div>
      ) : null}
      {outcome ? (
        <p
          role={outcome.kind === 'error' ? 'alert' : 'status'}
          data-testid={`route-order-${outcome.kind}`}
          className={outcome.kind === 'error' ? 'mt-1 text-xs text-red-700 dark:text-red-400' : 'mt-1 text-xs text-emerald-700 dark:text-emerald-400'}
        >
          {outcome.kind === 'dry-run-ok' ? 'Server dry-run passed.' : outcome.kind === 'applied' ? `Applied (resourceVersion ${outcome.rv ?? '?'}).` : outcome.message}
        </p>
      ) : null}
    </section>
  );
}
