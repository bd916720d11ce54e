'use client';
/**
 * The split slider of a weighted route: one bar, one segment per destination, one handle
 * between each pair. Dragging a handle (or its arrow keys: ±1, PageUp/PageDown ±10, Home/End)
 * moves weight between its two neighbours only, so the weights always add up to 100.
 *
 * `SplitControl` is the slider itself, controlled (weights in, `onChange` out): the Traffic page
 * puts it on each weighted route. `SplitSlider` binds it to a path of the form's draft, so a split
 * edited there goes through the same validation, diff, dry-run and apply as the rest of the form.
 */
import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { destinationLabel } from '@/lib/editing/route-weights';
import { boundaries, evenSplit, moveBoundary, normalize, sum, weightsOf } from '@/lib/editing/split';
import { useEditor } from './editor-context';
import { smallButton } from './fields';
import { getIn, setIn, type Path } from './object-path';

/** Segment colours, also used for the dot beside each destination row. */
export const SPLIT_COLORS = ['bg-sky-500', 'bg-violet-500', 'bg-amber-500', 'bg-emerald-500', 'bg-rose-500', 'bg-slate-500'];

export { destinationLabel };

export function SplitSlider({ path, name, testId = 'split-slider' }: { path: Path; name: string; testId?: string }) {
  const { draft, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const dests = (Array.isArray(raw) ? raw : []) as Record<string, unknown>[];
  if (dests.length < 2) return null;
  const write = (next: readonly number[]) => update((d) => next.reduce((acc, w, j) => setIn(acc, [...path, j, 'weight'], w), d));
  return (
    <SplitControl
      weights={weightsOf(dests)}
      labels={dests.map((d) => destinationLabel(d, draft.metadata.namespace))}
      onChange={readOnly ? undefined : write}
      name={name}
      testId={testId}
    />
  );
}

export interface SplitControlProps {
  weights: readonly number[];
  /** One per destination: `web-service v1` (the handles' accessible names, the segments' text). */
  labels: readonly string[];
  /** Undefined: read-only (the handles neither focus nor move). */
  onChange?: (next: number[]) => void;
  /** `data-route` of the control. */
  name: string;
  testId?: string;
  title?: ReactNode;
  /** CSS colours of the segments, to match other drawings of the same destinations (default: SPLIT_COLORS). */
  colors?: readonly string[];
  className?: string;
}

export function SplitControl({ weights, labels, onChange, name, testId = 'split-slider', title = 'Traffic split', colors, className }: SplitControlProps) {
  const readOnly = !onChange;
  const ws = weights;
  const total = sum(ws);
  const bars = boundaries(ws);
  const barRef = useRef<HTMLDivElement>(null);
  if (ws.length < 2) return null;
  const write = (next: number[]) => onChange?.(next);

  const onKey = (i: number) => (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'PageUp' || e.key === 'PageDown' ? 10 : 1;
    const pos = bars[i]!;
    let next: number | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'PageUp') next = pos + step;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown' || e.key === 'PageDown') next = pos - step;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = 100;
    if (next === undefined) return;
    e.preventDefault();
    write(moveBoundary(ws, i, next));
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (readOnly) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
  };
  const onPointerMove = (i: number) => (e: PointerEvent<HTMLDivElement>) => {
    if (readOnly || !e.currentTarget.hasPointerCapture(e.pointerId) || !barRef.current) return;
    const r = barRef.current.getBoundingClientRect();
    const pos = ((e.clientX - r.left) / r.width) * Math.max(total, 1);
    const next = moveBoundary(ws, i, pos);
    if (next.some((w, j) => w !== ws[j])) write(next);
  };

  return (
    <div className={cn('space-y-1.5', className)} data-testid={testId} data-route={name} data-weights={ws.join('/')}>
      <div className="flex items-center gap-2 text-xs">
        <span className="font-medium text-slate-600 dark:text-slate-400">{title}</span>
        <span className={cn('font-mono', total === 100 ? 'text-slate-500' : 'text-red-700 dark:text-red-400')} data-testid="split-total">
          {ws.join(' / ')} {total === 100 ? '' : `(adds up to ${total}, not 100)`}
        </span>
        {!readOnly ? (
          <span className="ml-auto flex gap-1">
            {total !== 100 ? (
              <button type="button" className={smallButton} onClick={() => write(normalize(ws))}>
                Scale to 100
              </button>
            ) : null}
            <button type="button" className={smallButton} onClick={() => write(evenSplit(ws.length))}>
              Even split
            </button>
          </span>
        ) : null}
      </div>
      <div ref={barRef} className="relative h-7 select-none rounded bg-slate-200 dark:bg-slate-800" style={{ touchAction: 'none' }}>
        {ws.map((w, j) => {
          const left = j === 0 ? 0 : bars[j - 1]!;
          return (
            <div
              key={j}
              className={cn('absolute inset-y-0 flex items-center justify-center overflow-hidden text-[11px] font-medium text-white', !colors && SPLIT_COLORS[j % SPLIT_COLORS.length], j === 0 && 'rounded-l', j === ws.length - 1 && 'rounded-r')}
              style={{ left: `${(left / Math.max(total, 1)) * 100}%`, width: `${(w / Math.max(total, 1)) * 100}%`, ...(colors ? { background: colors[j % colors.length] } : {}) }}
              title={`${labels[j]}: ${w}`}
            >
              <span className="truncate whitespace-nowrap px-1">{w >= 25 ? `${labels[j]} ${w}%` : w >= 6 ? `${w}%` : ''}</span>
            </div>
          );
        })}
        {ws.slice(0, -1).map((_, i) => {
          const lo = i === 0 ? 0 : bars[i - 1]!;
          const hi = bars[i + 1]!;
          return (
            <div
              key={`h${i}`}
              role="slider"
              tabIndex={readOnly ? -1 : 0}
              aria-label={`Split between ${labels[i]} and ${labels[i + 1]}`}
              aria-valuemin={lo}
              aria-valuemax={hi}
              aria-valuenow={bars[i]}
              aria-valuetext={`${labels[i]} ${ws[i]} %, ${labels[i + 1]} ${ws[i + 1]} %`}
              aria-disabled={readOnly || undefined}
              onKeyDown={readOnly ? undefined : onKey(i)}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove(i)}
              className={cn('absolute -top-1 z-10 h-9 w-3 -translate-x-1/2 rounded border-2 border-white bg-slate-900 shadow focus:outline-none focus:ring-2 focus:ring-sky-400 dark:bg-slate-100', readOnly ? 'cursor-not-allowed' : 'cursor-ew-resize')}
              style={{ left: `${(bars[i]! / Math.max(total, 1)) * 100}%` }}
            />
          );
        })}
      </div>
    </div>
  );
}
