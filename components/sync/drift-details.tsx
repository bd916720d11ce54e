'use client';
/**
 * One gateway pod's drift check in detail: per Gateway server, its listener and route
 * configuration; per VirtualService route, where Envoy should hold it and whether it does.
 */
import { cn } from '@/components/ui/cn';
import type { ItemState, PodDrift } from '@/lib/envoy/drift';
import { AreaBadge } from './badges';

const STATE_STYLE: Record<ItemState, string> = {
  match: 'text-emerald-700 dark:text-emerald-400',
  missing: 'text-red-700 dark:text-red-300',
  different: 'text-red-700 dark:text-red-300',
  'not checked': 'text-slate-500',
};

const th = 'py-1 pr-3 text-left text-xs font-normal uppercase tracking-wide text-slate-500';

export function DriftDetails({ drift }: { drift: PodDrift }) {
  return (
    <div className="space-y-4 text-sm" data-testid="drift-details">
      <div className="flex flex-wrap gap-1">
        <AreaBadge name="Listeners" area={drift.listeners} />
        <AreaBadge name="Routes" area={drift.routes} />
        <AreaBadge name="Clusters" area={drift.clusters} />
        <span className="text-xs text-slate-500">{drift.endpointsChecked ? 'endpoint health checked (EDS in the dump)' : 'endpoints not checked'}</span>
      </div>
      {drift.differences.length ? (
        <ul className="list-disc space-y-0.5 pl-5 text-xs">
          {drift.differences.map((d, i) => (
            <li key={i}>{d.message}</li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-emerald-700 dark:text-emerald-400">Envoy holds every listener, route and cluster the resources ask for.</p>
      )}
      <table className="w-full border-collapse">
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th className={th}>Gateway server</th>
            <th className={th}>Listener</th>
            <th className={th}>Route configuration</th>
            <th className={th}>In Envoy</th>
          </tr>
        </thead>
        <tbody>
          {drift.servers.map((s) => (
            <tr key={s.id} className="border-b border-slate-100 dark:border-slate-900">
              <td className="py-1 pr-3 text-xs">
                <span className="font-mono">{s.gateway}</span> · {s.description}
              </td>
              <td className="py-1 pr-3 font-mono text-xs">{s.listener}</td>
              <td className="py-1 pr-3 font-mono text-xs">{s.routeConfig ?? '—'}</td>
              <td className={cn('py-1 text-xs', STATE_STYLE[s.state])}>{s.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="w-full border-collapse">
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th className={th}>VirtualService</th>
            <th className={th}>Route</th>
            <th className={th}>Route configuration</th>
            <th className={th}>Domain</th>
            <th className={th}>In Envoy</th>
          </tr>
        </thead>
        <tbody>
          {drift.routeResults.map((r, i) => (
            <tr key={i} className="border-b border-slate-100 dark:border-slate-900" data-testid="drift-route" data-state={r.state}>
              <td className="py-1 pr-3 font-mono text-xs">{r.virtualService}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.route}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.routeConfig}</td>
              <td className="py-1 pr-3 font-mono text-xs">{r.domain}</td>
              <td className={cn('py-1 text-xs', STATE_STYLE[r.state])}>{r.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {drift.skippedServers.length ? (
        <div className="text-xs text-amber-800 dark:text-amber-200">
          Servers istiod skips: {drift.skippedServers.join('; ')}
        </div>
      ) : null}
    </div>
  );
}
