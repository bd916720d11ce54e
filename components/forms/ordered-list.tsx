'use client';
/**
 * An ordered list of cards (VirtualService http/tcp/tls routes), reordered by dragging a card's
 * handle or, from the keyboard, with its "Move up" / "Move down" buttons. Order matters: Istio
 * evaluates routes top to bottom and the first match wins.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { FieldIssues, smallButton } from './fields';
import { getIn, moveIn, pathString, type Path } from './object-path';

const DRAG_TYPE = 'application/x-gatescope-item';

export function OrderedList({
  path,
  noun,
  itemLabel,
  summary,
  renderItem,
  newItem,
  addLabel,
  testId,
}: {
  path: Path;
  /** "HTTP route" */
  noun: string;
  /** A short name of item i ("v1" or "#2"). */
  itemLabel(item: Record<string, unknown>, index: number): string;
  summary?(item: Record<string, unknown>, index: number): ReactNode;
  renderItem(index: number): ReactNode;
  newItem(): Record<string, unknown>;
  addLabel: string;
  testId?: string;
}) {
  const { draft, set, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const items = (Array.isArray(raw) ? raw : []) as Record<string, unknown>[];
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (!focusTarget) return;
    listRef.current?.querySelector<HTMLElement>(`[data-move="${focusTarget}"]`)?.focus();
  }, [focusTarget, items.length]);

  const move = (from: number, to: number, via: 'keyboard' | 'drag') => {
    if (to < 0 || to >= items.length || from === to) return;
    const label = itemLabel(items[from] ?? {}, from);
    update((d) => moveIn(d, path, from, to));
    setCollapsed((c) => new Set([...c].map((i) => (i === from ? to : i > from && i <= to ? i - 1 : i < from && i >= to ? i + 1 : i))));
    setAnnouncement(`${noun} ${label} moved to position ${to + 1} of ${items.length}.`);
    if (via === 'keyboard') setFocusTarget(`${to}-${to > from ? 'down' : 'up'}`);
  };

  return (
    <div data-field={pathString(path)} data-testid={testId}>
      <FieldIssues path={path} />
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
      <ol ref={listRef} className="space-y-2">
        {items.map((item, i) => {
          const label = itemLabel(item ?? {}, i);
          const isCollapsed = collapsed.has(i);
          return (
            <li
              key={i}
              data-testid="ordered-item"
              data-field={pathString([...path, i])}
              data-index={i}
              data-label={label}
              onDragOver={(e) => {
                if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                if (dropAt !== i) setDropAt(i);
              }}
              onDrop={(e) => {
                e.preventDefault();
                const from = Number(e.dataTransfer.getData(DRAG_TYPE) || dragFrom);
                setDragFrom(null);
                setDropAt(null);
                if (Number.isInteger(from)) move(from, i, 'drag');
              }}
              className={cn(
                'rounded-md border bg-white dark:bg-slate-900',
                dropAt === i && dragFrom !== null && dragFrom !== i ? 'border-sky-500 ring-2 ring-sky-300' : 'border-slate-200 dark:border-slate-800',
                dragFrom === i && 'opacity-50',
              )}
            >
              <div
                className="flex items-center gap-2 border-b border-slate-200 px-2 py-1.5 dark:border-slate-800"
                draggable={!readOnly}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, String(i));
                  e.dataTransfer.effectAllowed = 'move';
                  setDragFrom(i);
                }}
                onDragEnd={() => {
                  setDragFrom(null);
                  setDropAt(null);
                }}
              >
                {!readOnly ? (
                  <span className="cursor-grab select-none px-1 text-slate-400" title="Drag to reorder" aria-hidden data-testid="drag-handle">
                    ⠿
                  </span>
                ) : null}
                <button
                  type="button"
                  aria-expanded={!isCollapsed}
                  aria-label={`${isCollapsed ? 'Expand' : 'Collapse'} ${noun} ${label}`}
                  onClick={() => setCollapsed((c) => (c.has(i) ? new Set([...c].filter((x) => x !== i)) : new Set([...c, i])))}
                  className="text-xs text-slate-500"
                >
                  {isCollapsed ? '▸' : '▾'}
                </button>
                <span className="font-mono text-xs text-slate-500">{i + 1}</span>
                <span className="text-sm font-semibold">
                  {noun} {label}
                </span>
                {summary ? <span className="min-w-0 flex-1 truncate text-xs text-slate-500">{summary(item ?? {}, i)}</span> : <span className="flex-1" />}
                {!readOnly ? (
                  <div className="flex shrink-0 items-center gap-1">
                    <button type="button" className={smallButton} data-move={`${i}-up`} aria-label={`Move ${noun} ${label} up`} disabled={i === 0} onClick={() => move(i, i - 1, 'keyboard')}>
                      ↑
                    </button>
                    <button
                      type="button"
                      className={smallButton}
                      data-move={`${i}-down`}
                      aria-label={`Move ${noun} ${label} down`}
                      disabled={i === items.length - 1}
                      onClick={() => move(i, i + 1, 'keyboard')}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className={smallButton}
                      aria-label={`Remove ${noun} ${label}`}
                      onClick={() => set(path, items.length === 1 ? undefined : items.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </div>
                ) : null}
              </div>
              <div className="px-3 pt-2 empty:hidden">
                <FieldIssues path={[...path, i]} />
              </div>
              {!isCollapsed ? <div className="space-y-3 p-3">{renderItem(i)}</div> : null}
            </li>
          );
        })}
      </ol>
      {!readOnly ? (
        <button type="button" className={cn(smallButton, 'mt-2 px-3 py-1 text-sm')} onClick={() => set(path, [...items, newItem()])}>
          + {addLabel}
        </button>
      ) : null}
    </div>
  );
}
