'use client';
import { cn } from '@/components/ui/cn';
import type { AreaResult } from '@/lib/envoy/drift';
import type { XdsState } from './types';

const XDS_STYLE: Record<XdsState, string> = {
  SYNCED: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  'NOT SENT': 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  STALE: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  NACK: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
};

/** One xDS type's state (istioctl prints NACK as ERROR; the error is in the title and below the row). */
export function XdsBadge({ state, title }: { state: XdsState | undefined; title?: string }) {
  const s = state ?? 'NOT SENT';
  return (
    <span className={cn('whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium', XDS_STYLE[s])} title={title} data-state={s}>
      {s}
    </span>
  );
}

const AREA_STYLE = {
  match: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  differ: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  unchecked: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
};

/** "Listeners Match" / "Routes Don't Match" / "Clusters Not Checked". */
export function AreaBadge({ name, area }: { name: string; area: AreaResult }) {
  const kind = !area.checked ? 'unchecked' : area.match ? 'match' : 'differ';
  const words = !area.checked ? 'Not Checked' : area.match ? 'Match' : "Don't Match";
  return (
    <span
      className={cn('whitespace-nowrap rounded px-1.5 py-0.5 text-xs', AREA_STYLE[kind])}
      title={area.checked ? `${area.matched} of ${area.expected} as the resources ask` : 'the config_dump has no such section'}
      data-area={name}
      data-match={kind}
    >
      {name} {words}
    </span>
  );
}
