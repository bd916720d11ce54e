'use client';
/** The applies tracked by the sync service: each gateway pod acknowledging the new config (or rejecting it). */
import { cn } from '@/components/ui/cn';
import type { RolloutPodState, RolloutStatus } from './types';

const POD_STYLE: Record<RolloutPodState, string> = {
  acked: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  nack: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  gone: 'bg-slate-100 text-slate-500 line-through dark:bg-slate-800',
};

const WORDS: Record<RolloutPodState, string> = { acked: 'ACK', pending: 'pending', nack: 'NACK', gone: 'gone' };

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

export function RolloutsPanel({ rollouts }: { rollouts: readonly RolloutStatus[] }) {
  if (rollouts.length === 0) return null;
  const recent = [...rollouts].sort((a, b) => b.appliedAt - a.appliedAt).slice(0, 3);
  return (
    <section className="mt-6" aria-labelledby="rollouts-title">
      <h2 id="rollouts-title" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
        Rollouts of applies from the console
      </h2>
      <ul className="mt-2 space-y-2">
        {recent.map((r) => (
          <li key={r.id} className="rounded border border-slate-200 p-2 text-sm dark:border-slate-800" data-testid="rollout" data-done={r.done}>
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="font-medium">{r.label ?? r.id}</span>
              <span className="text-xs text-slate-500">applied {time(r.appliedAt)}</span>
              <span className={cn('text-xs', r.done ? (r.timedOut ? 'text-amber-700' : 'text-emerald-700 dark:text-emerald-400') : 'text-slate-500')}>
                {r.done
                  ? r.timedOut
                    ? 'timed out'
                    : `all ${r.counts.acked} gateway pods acknowledged in ${Math.max(0, (r.doneAt ?? r.appliedAt) - r.appliedAt)} ms`
                  : `${r.counts.acked} acknowledged, ${r.counts.pending} pending${r.counts.nack ? `, ${r.counts.nack} rejected` : ''}`}
              </span>
            </div>
            <ul className="mt-1 flex flex-wrap gap-1">
              {r.pods.map((p) => (
                <li key={p.proxy} className={cn('rounded px-1.5 py-0.5 font-mono text-xs', POD_STYLE[p.state])} title={p.error} data-testid="rollout-pod" data-state={p.state}>
                  {p.pod} {WORDS[p.state]}
                  {p.state === 'acked' && p.ackedAt ? ` +${Math.max(0, p.ackedAt - r.appliedAt)} ms` : ''}
                </li>
              ))}
            </ul>
            {r.pods
              .filter((p) => p.error)
              .map((p) => (
                <p key={p.proxy} className="mt-1 text-xs text-red-800 dark:text-red-200">
                  <span className="font-mono">{p.pod}</span> rejected the push: {p.error}
                </p>
              ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
