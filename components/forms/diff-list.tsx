'use client';
/** A readable structural diff: one line per change, `path: before → after`. */
import { stringify } from 'yaml';
import { cn } from '@/components/ui/cn';
import type { Change } from '@/lib/editing/diff';

const OP: Record<Change['op'], { sign: string; cls: string; word: string }> = {
  add: { sign: '+', cls: 'text-emerald-700 dark:text-emerald-400', word: 'added' },
  remove: { sign: '−', cls: 'text-red-700 dark:text-red-400', word: 'removed' },
  replace: { sign: '~', cls: 'text-amber-700 dark:text-amber-400', word: 'changed' },
  reorder: { sign: '⇅', cls: 'text-sky-700 dark:text-sky-400', word: 'reordered' },
};

/** A value as one short line (scalars as JSON, objects as flow YAML), or a block when long. */
export function ValueText({ value, className }: { value: unknown; className?: string }) {
  if (value === undefined) return <span className={cn('italic text-slate-400', className)}>absent</span>;
  const flat = typeof value === 'object' && value !== null ? stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim() : JSON.stringify(value);
  if (flat.length <= 80) return <code className={cn('break-all rounded bg-slate-100 px-1 dark:bg-slate-800', className)}>{flat}</code>;
  return <pre className={cn('max-h-40 overflow-auto rounded bg-slate-100 p-1 text-[11px] dark:bg-slate-800', className)}>{stringify(value, { lineWidth: 0 }).trim()}</pre>;
}

export function DiffList({ changes, empty = 'No changes.', testId = 'diff' }: { changes: readonly Change[]; empty?: string; testId?: string }) {
  if (changes.length === 0) return <p className="text-sm text-slate-500" data-testid={testId}>{empty}</p>;
  return (
    <ul className="space-y-1 font-mono text-xs" data-testid={testId}>
      {changes.map((c, i) => {
        const op = OP[c.op];
        return (
          <li key={`${c.pointer}-${i}`} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5" data-testid="diff-line" data-op={c.op} data-path={c.display}>
            <span className={cn('w-3 shrink-0 font-bold', op.cls)} title={op.word}>
              {op.sign}
            </span>
            <span className="font-semibold">{c.display || '(object)'}</span>
            {c.op === 'replace' || c.op === 'reorder' ? (
              <>
                <ValueText value={c.before} className="line-through decoration-red-400/60" />
                <span className="text-slate-400">→</span>
                <ValueText value={c.after} />
              </>
            ) : c.op === 'add' ? (
              <ValueText value={c.after} />
            ) : (
              <ValueText value={c.before} className="line-through decoration-red-400/60" />
            )}
          </li>
        );
      })}
    </ul>
  );
}
