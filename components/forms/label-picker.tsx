'use client';
/**
 * A label selector picked from the labels live pods carry, with a live count of the pods it
 * selects (Gateway `selector`, DestinationRule subset `labels`).
 */
import { cn } from '@/components/ui/cn';
import { labelPairs, selectorMatches, type PodInfo } from './cluster-index';
import { useEditor } from './editor-context';
import { KeyValueField } from './list-fields';
import { getIn, type Path } from './object-path';

export function LabelPicker({
  path,
  label,
  candidates,
  candidatesLabel,
  scope,
}: {
  path: Path;
  label: string;
  /** Pods whose labels are offered. */
  candidates: readonly PodInfo[];
  /** What the candidates are, in words ("gateway pods", "pods of Service web-service"). */
  candidatesLabel: string;
  /** Pods the count is taken over (defaults to the candidates). */
  scope?: readonly PodInfo[];
}) {
  const { draft, set, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const selector = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, string>;
  const pool = scope ?? candidates;
  const empty = Object.keys(selector).length === 0;
  const matched = empty ? [] : pool.filter((p) => selectorMatches(selector, p.labels));
  const ready = matched.filter((p) => p.ready).length;
  const pairs = labelPairs(candidates).filter((p) => selector[p.key] !== p.value);
  return (
    <div className="space-y-1.5">
      <KeyValueField path={path} label={label} addLabel="Add label" />
      {!readOnly && pairs.length > 0 ? (
        <div className="flex flex-wrap items-center gap-1 text-xs" aria-label={`Labels of ${candidatesLabel}`}>
          <span className="text-slate-500">From {candidatesLabel}:</span>
          {pairs.slice(0, 12).map((p) => (
            <button
              key={`${p.key}=${p.value}`}
              type="button"
              onClick={() => set([...path, { key: p.key }], p.value)}
              className="rounded-full border border-slate-300 px-2 py-0.5 font-mono hover:border-sky-500 hover:bg-sky-50 dark:border-slate-700 dark:hover:bg-sky-950"
              title={`Add ${p.key}=${p.value} (${p.count} pod${p.count === 1 ? '' : 's'})`}
            >
              + {p.key}={p.value} <span className="text-slate-500">· {p.count}</span>
            </button>
          ))}
        </div>
      ) : null}
      <p
        data-testid="selector-count"
        data-count={matched.length}
        className={cn(
          'text-xs',
          empty ? 'text-slate-500' : matched.length === 0 ? 'text-red-700 dark:text-red-400' : 'text-emerald-700 dark:text-emerald-400',
        )}
      >
        {empty
          ? 'No labels: pick at least one.'
          : matched.length === 0
            ? `Selects no pods among ${pool.length} ${candidatesLabel}.`
            : `Selects ${matched.length} pod${matched.length === 1 ? '' : 's'} (${ready} ready): ${matched
                .slice(0, 4)
                .map((p) => p.name)
                .join(', ')}${matched.length > 4 ? ', …' : ''}`}
      </p>
    </div>
  );
}
