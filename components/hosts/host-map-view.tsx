'use client';
/**
 * Who owns which host: per gateway workload, every port × host with the Gateway servers that
 * accept it and the VirtualServices that claim it (lib/routing/host-map.ts over the live
 * resources), conflicts and orphans highlighted.
 */
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useMeshSnapshot } from '@/components/simulate/use-mesh-snapshot';
import { cn } from '@/components/ui/cn';
import { buildHostMap, type HostIssueKind, type HostRow } from '@/lib/routing/host-map';
import { simRequestToQuery } from '@/lib/routing/request-query';

const ISSUE_STYLE = {
  error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
};
/** Conflicts in red, orphans and shared hosts in amber (the row tint follows). */
const KIND_STYLE: Record<HostIssueKind, string> = {
  conflict: ISSUE_STYLE.error,
  'skipped-server': ISSUE_STYLE.error,
  ingress: ISSUE_STYLE.error,
  'orphan-host': ISSUE_STYLE.warning,
  'shared-host': ISSUE_STYLE.warning,
};
const mono = 'font-mono text-xs';
const link = 'text-sky-700 hover:underline dark:text-sky-400';
const href = (plural: string, key: string) => {
  const [ns, name] = key.split('/');
  return `/${plural}/${encodeURIComponent(ns ?? '')}/${encodeURIComponent(name ?? '')}`;
};

function rowTone(r: HostRow): string {
  if (r.issues.some((i) => i.kind === 'conflict' || i.kind === 'skipped-server' || i.kind === 'ingress')) return 'bg-red-50/70 dark:bg-red-950/40';
  if (r.issues.some((i) => i.kind === 'orphan-host' || i.kind === 'shared-host')) return 'bg-amber-50/80 dark:bg-amber-950/40';
  return '';
}

function simulateHref(r: HostRow): string {
  const https = r.protocols.some((p) => p.toUpperCase() === 'HTTPS');
  const tcp = r.protocols.every((p) => ['TCP', 'TLS', 'MONGO'].includes(p.toUpperCase()));
  const host = r.host === '*' ? 'anything.example.com' : r.host.startsWith('*.') ? `x${r.host.slice(1)}` : r.host;
  return `/simulate?${simRequestToQuery({ host, port: r.port, path: '/', ...(https ? { protocol: 'HTTPS' as const } : tcp ? { protocol: 'TCP' as const } : {}) })}`;
}

export function HostMapView() {
  const { snapshot, loaded } = useMeshSnapshot({ ingresses: true });
  const map = useMemo(() => buildHostMap(snapshot), [snapshot]);
  const [onlyIssues, setOnlyIssues] = useState(false);

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Hosts</h1>
        <span className="text-sm text-slate-500">Who owns which host on which port of each gateway: Gateway servers and the VirtualServices bound to them</span>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-2 text-sm">
        <span className={cn('rounded px-2 py-1', map.counts.conflicts ? ISSUE_STYLE.error : 'bg-slate-100 dark:bg-slate-800')} data-testid="count-conflicts">
          {map.counts.conflicts} {map.counts.conflicts === 1 ? 'conflict' : 'conflicts'}
        </span>
        <span className={cn('rounded px-2 py-1', map.counts.orphans ? ISSUE_STYLE.warning : 'bg-slate-100 dark:bg-slate-800')} data-testid="count-orphans">
          {map.counts.orphans} {map.counts.orphans === 1 ? 'orphan' : 'orphans'}
        </span>
        <label className="ml-auto flex items-center gap-1.5 text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={onlyIssues} onChange={(e) => setOnlyIssues(e.target.checked)} />
          Only hosts with problems
        </label>
      </div>
      {!loaded ? (
        <p className="mt-6 animate-pulse text-slate-500">Loading the cluster&apos;s resources…</p>
      ) : map.workloads.length === 0 ? (
        <p className="mt-6 text-slate-500">No gateway pods: no pod runs the Istio proxy as a router or is selected by a Gateway.</p>
      ) : (
        map.workloads.map((w) => (
          <section key={w.workload} className="mt-6" data-testid="host-workload" data-workload={w.workload}>
            <h2 className="flex flex-wrap items-baseline gap-2 text-sm font-semibold">
              <span className={mono}>{w.workload}</span>
              <span className="font-normal text-slate-500">
                {w.pods.length} gateway pod{w.pods.length === 1 ? '' : 's'}
              </span>
            </h2>
            <table className="mt-2 w-full border-collapse text-sm" data-testid="host-table">
              <thead>
                <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
                  <th className="py-2 pr-3">Port</th>
                  <th className="py-2 pr-3">Host</th>
                  <th className="py-2 pr-3">Gateway server</th>
                  <th className="py-2 pr-3">VirtualServices</th>
                  <th className="py-2">Problems</th>
                </tr>
              </thead>
              <tbody>
                {w.rows
                  .filter((r) => !onlyIssues || r.issues.length)
                  .map((r) => (
                    <tr
                      key={`${r.port}|${r.host}`}
                      className={cn('border-b border-slate-200 align-top dark:border-slate-800', rowTone(r))}
                      data-testid="host-row"
                      data-port={r.port}
                      data-host={r.host}
                      data-issues={r.issues.map((i) => i.kind).join(' ')}
                    >
                      <td className="py-2 pr-3 tabular-nums">
                        {r.port}
                        <div className="text-xs text-slate-500">{r.protocols.join(', ')}</div>
                      </td>
                      <td className={cn('py-2 pr-3', mono)}>
                        <Link href={simulateHref(r)} className={link} title="Simulate a request for this host">
                          {r.host}
                        </Link>
                      </td>
                      <td className="py-2 pr-3" data-testid="host-servers">
                        {r.servers.map((s) => (
                          <div key={s.id} className={cn(mono, 'mb-1', s.skipped && 'line-through decoration-red-500')}>
                            <div className="whitespace-nowrap">
                              <Link href={href('gateways', s.gateway)} className={link}>
                                {s.gateway}
                              </Link>
                              <span className="text-slate-500">#{s.index}</span>
                            </div>
                            <div className="text-[11px] text-slate-500">
                              server host {s.declared}
                              {s.tlsMode ? ` · TLS ${s.tlsMode}` : ''}
                            </div>
                          </div>
                        ))}
                      </td>
                      <td className="py-2 pr-3" data-testid="host-virtualservices">
                        {r.virtualServices.length === 0 ? <span className="text-xs italic text-slate-400">none</span> : null}
                        {r.virtualServices.map((c) => (
                          <div key={c.virtualService} className={cn(mono, 'whitespace-nowrap')}>
                            <Link href={href('virtualservices', c.virtualService)} className={link}>
                              {c.virtualService}
                            </Link>
                          </div>
                        ))}
                        {r.ingresses.map((i) => (
                          <div key={i} className={cn(mono, 'text-slate-500')}>
                            Ingress {i}
                          </div>
                        ))}
                      </td>
                      <td className="py-2">
                        {r.issues.map((i) => (
                          <div key={i.message} className="mb-1" data-testid="host-issue" data-kind={i.kind}>
                            <span className={cn('mr-1 rounded px-1.5 py-0.5 text-xs', KIND_STYLE[i.kind])}>{i.kind}</span>
                            <span className="text-xs">{i.message}</span>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))
      )}
      {loaded && map.orphanVirtualServiceHosts.length ? (
        <section className="mt-8" data-testid="orphan-vs-hosts">
          <h2 className="text-sm font-semibold">VirtualService hosts no Gateway server accepts</h2>
          <table className="mt-2 w-full border-collapse text-sm">
            <thead>
              <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
                <th className="py-2 pr-3">VirtualService</th>
                <th className="py-2 pr-3">Host</th>
                <th className="py-2">Why</th>
              </tr>
            </thead>
            <tbody>
              {map.orphanVirtualServiceHosts.map((o) => (
                <tr key={`${o.virtualService}|${o.host}`} className="border-b border-slate-200 bg-amber-50/80 align-top dark:border-slate-800 dark:bg-amber-950/40" data-testid="orphan-vs-host" data-virtual-service={o.virtualService} data-host={o.host}>
                  <td className={cn('py-2 pr-3', mono)}>
                    <Link href={href('virtualservices', o.virtualService)} className={link}>
                      {o.virtualService}
                    </Link>
                  </td>
                  <td className={cn('py-2 pr-3', mono)}>{o.host}</td>
                  <td className="py-2 text-xs">{o.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
