'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { UserMenu } from '@/components/auth/user-menu';
import { ContextPicker } from './context-picker';
import { useConnectionState, useTopicSnapshot } from '@/components/data/use-stream';
import { cn } from './cn';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/gateways', label: 'Gateways' },
  { href: '/virtualservices', label: 'VirtualServices' },
  { href: '/destinationrules', label: 'DestinationRules' },
  { href: '/validation', label: 'Validation' },
  { href: '/simulate', label: 'Simulate' },
  { href: '/hosts', label: 'Hosts' },
  { href: '/history', label: 'History' },
  { href: '/logs', label: 'Logs' },
  { href: '/traffic', label: 'Traffic' },
  { href: '/sync', label: 'Sync' },
];

interface ClusterState {
  synced: boolean;
  connected: boolean;
  retryingSince?: number;
  lastError?: string;
  lastEventAt?: number;
}

/** Shows when the console cannot reach the cluster, and since when; the UI keeps the last state. */
function ClusterBanner() {
  const conn = useConnectionState();
  const { data: cluster } = useTopicSnapshot<ClusterState>('cluster');
  if (conn.status === 'closed') {
    return (
      <div role="alert" data-testid="cluster-banner" className="bg-red-600 px-4 py-2 text-sm text-white">
        Lost the connection to the gatescope server since {new Date(conn.since).toLocaleTimeString()}; reconnecting…
      </div>
    );
  }
  if (cluster && cluster.retryingSince) {
    return (
      <div role="alert" data-testid="cluster-banner" className="bg-amber-500 px-4 py-2 text-sm text-slate-950">
        Disconnected from the Kubernetes API since {new Date(cluster.retryingSince).toLocaleTimeString()}
        {cluster.lastError ? ` (${cluster.lastError})` : ''}: retrying. What you see is the last known state.
      </div>
    );
  }
  return null;
}

/** The sign-in page (--auth token) stands alone: no nav, no stream before there is a session. */
export function AppShell({ children }: { children: ReactNode }) {
  return usePathname() === '/signin' ? <>{children}</> : <ConsoleShell>{children}</ConsoleShell>;
}

function ConsoleShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const conn = useConnectionState();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center gap-6 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/" className="font-semibold tracking-tight">
          gatescope
        </Link>
        <nav className="flex gap-1 text-sm">
          {NAV.map((n) => (
            <Link
              key={n.href}
              href={n.href}
              className={cn(
                'rounded px-2 py-1',
                (n.href === '/' ? pathname === '/' : pathname === n.href || pathname.startsWith(`${n.href}/`)) ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800',
              )}
            >
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-2 text-xs text-slate-500" data-testid="context">
          <span className={cn('inline-block h-2 w-2 rounded-full', conn.status === 'open' ? 'bg-emerald-500' : 'bg-red-500')} />
          <ContextPicker fallback={conn.context} />
          {conn.mode === 'sandbox' ? <span className="rounded bg-sky-100 px-1.5 py-0.5 text-sky-800 dark:bg-sky-900 dark:text-sky-100">sandbox</span> : null}
          <UserMenu />
        </div>
      </header>
      <ClusterBanner />
      <div className="flex-1">{children}</div>
    </div>
  );
}
