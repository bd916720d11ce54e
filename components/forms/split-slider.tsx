'use client';
/**
 * The split slider of a weighted route: one bar, one segment per destination, one handle
 * between each pair. Dragging a handle (or its arrow keys: ±1, PageUp/PageDown ±10, Home/End)
 * moves weight between its two neighbours only, so the weights always add up to 100. It edits
 * the draft like any field, so a split goes through the same validation, diff, dry-run and
 * apply as the rest of the form.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { smallButton } from './fields';
import { getIn, setIn, type Path } from './object-path';
import { boundaries, evenSplit, moveBoundary, normalize, sum, weightsOf } from './split';

/** Segment colours, also used for the dot beside each destination row. */
export const SPLIT_COLORS = ['bg-sky-500', 'bg-violet-500', 'bg-amber-500', 'bg-emerald-500', 'bg-rose-500', 'bg-slate-500'];

/** `web-service v1`: the host as short as it reads unambiguously from `namespace`, and the subset. */
export function destinationLabel(d: Record<string, unknown>, namespace?: string): string {
  const dest = (d.destination ?? {}) as Record<string, unknown>;
  let host = String(dest.host || '?').replace(/\.svc\.cluster\.local$/, '');
  if (namespace && host.endsWith(`.${namespace}`)) host = host.slice(0, -namespace.length - 1);
  return dest.subset ? `${host} ${String(dest.subset)}` : host;
}

export function SplitSlider({ path, name, testId = 'split-slider' }: { path: Path; name: string; testId?: string }) {
  const { draft, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const dests = (Array.isArray(raw) ? raw : []) as Record<string, unknown>[];
  const ws = weightsOf(dests);
  const total = sum(ws);
  const bars = boundaries(ws);
  const barRef = useRef<HTMLDivElement>(null);
  if (dests.length < 2) return null;
  const labels = dests.map((d) => destinationLabel(d, draft.metadata.namespace));

  const write = (next: readonly number[]) =>
    update((d) => next.reduce((acc, w, j) => setIn(acc, [...path, j, 'weight'], w), d));

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
    <div className="space-y-1.5" data-testid={testId} data-route={name} data-weights={ws.join('/')}>
      <div className="flex items-center gap-2 text-xs">
        <span className="font-medium text-slate-600 dark:text-slate-400">Traffic split</span>
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
              className={cn('absolute inset-y-0 flex items-center justify-center overflow-hidden text-[11px] font-medium text-white', SPLIT_COLORS[j % SPLIT_COLORS.length], j === 0 && 'rounded-l', j === ws.length - 1 && 'rounded-r')}
              style={{ left: `${(left / Math.max(total, 1)) * 100}%`, width: `${(w / Math.max(total, 1)) * 100}%` }}
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
              className="absolute -top-1 z-10 h-9 w-3 -translate-x-1/2 cursor-ew-resize rounded border-2 border-white bg-slate-900 shadow focus:outline-none focus:ring-2 focus:ring-sky-400 dark:bg-slate-100"
              style={{ left: `${(bars[i]! / Math.max(total, 1)) * 100}%` }}
            />
          );
        })}
      </div>
    </div>
  );
}
