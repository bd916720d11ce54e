'use client';
/**
 * The sync state of each gateway pod on the topology: a badge on the gatewayPod node (SYNCED,
 * STALE, NACK with Envoy's error in its title, or not connected to istiod), from the `sync` topic.
 * The Overview provides the map; the node reads it by pod key (`namespace/name`).
 */
import Link from 'next/link';
import { createContext, useContext, useMemo } from 'react';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { cn } from '@/components/ui/cn';
import type { SyncSnapshot } from './types';

export interface ProxyBadge {
  state: 'SYNCED' | 'STALE' | 'NACK' | 'NOT SENT';
  /** `LDS: <error_detail>` of a NACK. */
  error?: string;
}

/** undefined: no sync data (the map is not provided, or istiod has not answered yet). */
export const ProxySyncContext = createContext<ReadonlyMap<string, ProxyBadge> | undefined>(undefined);

/** Subscribes to `sync` and returns each proxy's worst state by `namespace/pod`. */
export function useProxySyncBadges(): ReadonlyMap<string, ProxyBadge> | undefined {
  const { data } = useTopicSnapshot<SyncSnapshot>('sync');
  return useMemo(() => {
    if (!data) return undefined;
    const out = new Map<string, ProxyBadge>();
    for (const p of data.proxies) {
      const types = Object.entries(p.types);
      const nack = types.find(([, s]) => s?.state === 'NACK');
      const state: ProxyBadge['state'] = nack ? 'NACK' : types.some(([, s]) => s?.state === 'STALE') ? 'STALE' : types.some(([, s]) => s?.state === 'SYNCED') ? 'SYNCED' : 'NOT SENT';
      out.set(`${p.namespace}/${p.pod}`, nack ? { state, error: `${nack[0]}: ${nack[1]?.error ?? ''}` } : { state });
    }
    return out;
  }, [data]);
}

const STYLE: Record<ProxyBadge['state'] | 'DISCONNECTED', string> = {
  SYNCED: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  STALE: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  NACK: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  'NOT SENT': 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  DISCONNECTED: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
};

export function ProxySyncBadge({ podKey }: { podKey: string }) {
  const badges = useContext(ProxySyncContext);
  if (!badges) return null;
  const b = badges.get(podKey);
  const state = b?.state ?? 'DISCONNECTED';
  return (
    <Link
      href="/sync"
      className={cn('nodrag shrink-0 rounded px-1 text-[10px] font-medium leading-4', STYLE[state])}
      title={b?.error ?? (b ? `xDS ${state} (istioctl proxy-status)` : 'not connected to istiod')}
      data-testid="proxy-sync-badge"
      data-state={state}
    >
      {state === 'DISCONNECTED' ? 'no xDS' : state}
    </Link>
  );
}
