'use client';
/** Count and worst level of an object's findings; the codes and messages in its tooltip. */
import { cn } from '@/components/ui/cn';
import type { Finding } from '@/lib/analysis/types';

const STYLE = {
  Error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  Warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  Info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
} as const;

export function worstLevel(findings: readonly Finding[]): Finding['level'] | undefined {
  if (findings.some((f) => f.level === 'Error')) return 'Error';
  if (findings.some((f) => f.level === 'Warning')) return 'Warning';
  return findings.length ? 'Info' : undefined;
}

export function FindingsBadge({ findings, pending }: { findings: readonly Finding[]; pending?: boolean }) {
  if (pending) return <span className="text-xs text-slate-400">…</span>;
  const worst = worstLevel(findings);
  if (!worst) {
    return (
      <span className="text-xs text-emerald-700 dark:text-emerald-400" data-testid="findings-badge" data-count={0}>
        ✔ none
      </span>
    );
  }
  const codes = [...new Set(findings.map((f) => f.code))].join(', ');
  return (
    <span
      className={cn('inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs', STYLE[worst])}
      title={findings.map((f) => `${f.code} ${f.level}: ${f.message}`).join('\n')}
      data-testid="findings-badge"
      data-count={findings.length}
      data-level={worst}
    >
      <span className="font-semibold tabular-nums">{findings.length}</span>
      <span>{worst === 'Error' ? 'error' : worst.toLowerCase()}{findings.length > 1 ? ' worst' : ''}</span>
      <span className="font-mono opacity-80">{codes}</span>
    </span>
  );
}
