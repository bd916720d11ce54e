'use client';
/**
 * The split slider on a weighted route of the Traffic page: the forms' split control over the
 * route's weights, a preview of the change (`v1 80 → 50, v2 20 → 50`) and Apply, which runs the
 * forms' server dry-run then update with the resourceVersion the user saw (use-split-apply).
 * Three or more destinations also get a number per destination (the others share the rest).
 * Disabled, with the reason, when the console is read-only or the user may not update it.
 */
import { smallButton } from '@/components/forms/fields';
import { SplitControl } from '@/components/forms/split-slider';
import { cn } from '@/components/ui/cn';
import { readRouteWeights } from '@/lib/editing/route-weights';
import { setWeight } from '@/lib/editing/split';
import { DEST_COLORS } from './split-chart';
import { useSplitEdit, type SplitEdit } from './use-split-apply';

const primary = 'rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-40';

const weightsText = (labels: readonly string[], ws: readonly number[]) => ws.map((w, i) => `${labels[i] ?? `#${i}`} ${w}`).join(', ');

function Status({ s }: { s: SplitEdit }) {
  const o = s.outcome;
  const vs = s.target ? `${s.target.namespace}/${s.target.name}` : '';
  if (o.kind === 'running') {
    return (
      <p className="animate-pulse text-xs text-slate-500" role="status" data-testid="split-running">
        {o.action === 'dry-run' ? 'Server dry-run…' : `Applying with resourceVersion ${s.object?.metadata.resourceVersion ?? '?'}…`}
      </p>
    );
  }
  if (o.kind === 'applied') {
    return (
      <p className="rounded border border-emerald-300 bg-emerald-50 px-2 py-1 text-xs text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-50" role="status" data-testid="split-applied">
        <span className="font-semibold">Applied</span> {o.summary} · resourceVersion {o.resourceVersion ?? '?'}. The gateways take it within seconds; the red line on the chart marks when the console saw it.
        <button type="button" onClick={s.dismiss} className="ml-2 opacity-70 hover:opacity-100" aria-label="Close">
          ✕
        </button>
      </p>
    );
  }
  if (o.kind === 'failed') {
    const what = o.error.status === 403 ? 'The server refused it' : o.action === 'dry-run' ? 'The server dry-run refused it' : 'The apply failed';
    return (
      <div className="rounded border border-red-300 bg-red-50 px-2 py-1 text-xs text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-50" role="alert" data-testid="split-error" data-status={o.error.status}>
        <span className="font-semibold">
          {what}
          {o.error.status ? ` (${o.error.status})` : ''}:
        </span>{' '}
        {o.error.message}
        {o.error.causes.length ? (
          <ul className="mt-1 list-disc pl-5">
            {o.error.causes.map((c, i) => (
              <li key={i}>
                {c.field ? <code>{c.field}</code> : null} {c.message}
              </li>
            ))}
          </ul>
        ) : null}
        <span className="mt-1 block opacity-80">Your split is kept: change it and apply again.</span>
      </div>
    );
  }
  if (o.kind === 'conflict') {
    const a = o.answer;
    const theirs = s.target ? readRouteWeights(a.live, s.target) : undefined;
    const labels = s.route?.short ?? [];
    return (
      <div className="rounded border border-amber-300 bg-amber-50 px-2 py-1.5 text-xs text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50" role="alert" data-testid="split-conflict" data-status={a.status}>
        <p className="font-semibold">
          Conflict: VirtualService {vs} changed on the server since you moved the slider (resourceVersion {s.object?.metadata.resourceVersion ?? '?'} → {a.live.metadata.resourceVersion ?? '?'}). Nothing was written.
        </p>
        {a.status === 'rebased' ? (
          <p className="mt-0.5">
            Other fields changed there ({a.theirs.slice(0, 3).map((c) => c.display).join(', ')}
            {a.theirs.length > 3 ? `, ${a.theirs.length - 3} more` : ''}); your weights do not collide with them.
          </p>
        ) : (
          <p className="mt-0.5" data-testid="split-conflict-weights">
            The server&apos;s weights are now <span className="font-mono">{theirs ? weightsText(theirs.short, theirs.weights) : 'gone'}</span>; yours are <span className="font-mono">{weightsText(labels, s.weights)}</span>.
          </p>
        )}
        <div className="mt-1.5 flex gap-2">
          <button type="button" className={primary} onClick={s.applyOntoLive} disabled={!theirs}>
            {a.status === 'rebased' ? 'Apply onto the server’s version' : 'Apply mine over the server’s'}
          </button>
          <button type="button" className={smallButton} onClick={s.reset}>
            Take the server&apos;s
          </button>
        </div>
      </div>
    );
  }
  return null;
}

/** Number inputs per destination for three or more (two are one slider). */
function WeightInputs({ s }: { s: SplitEdit }) {
  if (!s.route || s.weights.length < 3) return null;
  const disabled = !!s.disabledReason || s.busy;
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {s.weights.map((w, i) => (
        <label key={i} className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: DEST_COLORS[i % DEST_COLORS.length] }} />
          <span>{s.route!.short[i]}</span>
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            value={w}
            disabled={disabled}
            aria-label={`Weight of ${s.route!.labels[i]}`}
            onChange={(e) => e.target.value !== '' && s.setWeights(setWeight(s.weights, i, Number(e.target.value)))}
            className="w-14 rounded border border-slate-300 px-1 py-0.5 text-right font-mono dark:border-slate-700 dark:bg-slate-900"
          />
          <span className="text-slate-500">%</span>
        </label>
      ))}
    </div>
  );
}

export function SplitEditor({ routeId, destinations }: { routeId: string; destinations: number }) {
  const s = useSplitEdit(routeId, destinations);
  const disabled = !!s.disabledReason || s.busy;
  return (
    <div className="mt-3 space-y-2 rounded border border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-950" data-testid="split-editor" data-dirty={s.dirty || undefined}>
      {s.route ? (
        <SplitControl
          weights={s.weights}
          labels={s.route.labels}
          colors={DEST_COLORS}
          onChange={disabled ? undefined : s.setWeights}
          name={routeId}
          title="Set the split"
          className={s.disabledReason ? 'opacity-60' : undefined}
        />
      ) : null}
      <WeightInputs s={s} />
      <div className="flex flex-wrap items-center gap-2 text-xs">
        {s.disabledReason ? (
          <span className="text-slate-600 dark:text-slate-400" data-testid="split-disabled" data-denied-by={s.access?.allowed === false ? s.access.deniedBy : undefined}>
            {s.access?.allowed === false ? <span className="font-semibold">Read-only: </span> : null}
            {s.disabledReason}
            {s.access?.deniedBy === 'rbac' ? ' (the cluster answered a SelfSubjectAccessReview with "no")' : ''}
          </span>
        ) : s.dirty ? (
          <span data-testid="split-preview">
            <span className="text-slate-500">Change:</span> <span className="font-mono">{s.preview}</span>
          </span>
        ) : (
          <span className="text-slate-500">Drag the handle, or focus it and use the arrow keys (PageUp/PageDown: 10).</span>
        )}
        {s.liveMoved && s.outcome.kind !== 'conflict' ? (
          <span className="text-amber-700 dark:text-amber-400" data-testid="split-live-moved">
            changed on the server since you moved the slider: Apply will show what changed
          </span>
        ) : null}
        <span className="ml-auto flex gap-2">
          <button type="button" className={cn(smallButton, !s.dirty && 'invisible')} onClick={s.reset} disabled={s.busy}>
            Reset
          </button>
          <button type="button" className={primary} onClick={s.apply} disabled={disabled || !s.dirty} title="Server dry-run, then apply with the resourceVersion shown">
            Apply split
          </button>
        </span>
      </div>
      <Status s={s} />
    </div>
  );
}
