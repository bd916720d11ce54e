'use client';
/** The simulator's answer, stage by stage, with the reason each earlier route did not match. */
import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import type { SimResult } from '@/lib/routing/simulate';
import { roundPercents } from '@/lib/routing/weights';

const vsHref = (key: string) => {
  const [ns, name] = key.split('/');
  return `/virtualservices/${encodeURIComponent(ns ?? '')}/${encodeURIComponent(name ?? '')}`;
};
const gwHref = (key: string) => {
  const [ns, name] = key.split('/');
  return `/gateways/${encodeURIComponent(ns ?? '')}/${encodeURIComponent(name ?? '')}`;
};

function Stage({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-3 border-b border-slate-200 py-2 dark:border-slate-800" data-testid={testId}>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="min-w-0">{children}</div>
    </div>
  );
}

const mono = 'font-mono text-xs';
const link = 'text-sky-700 hover:underline dark:text-sky-400';

export function ResultView({ r }: { r: SimResult }) {
  const percents = roundPercents(r.destinations.map((d) => d.weight));
  const entry = r.entry;
  return (
    <div className="mt-6" data-testid="sim-result" data-route={r.route ?? ''} data-virtual-service={r.virtualService ?? ''}>
      {r.noMatch ? (
        <div className="mb-4 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-testid="sim-no-match">
          <div className="font-semibold">No route: Envoy answers {r.noMatch.envoyResponse}</div>
          <div className="mt-1">{r.noMatch.reason}</div>
        </div>
      ) : null}
      {r.gatewayPod || entry ? (
        <Stage label="Entry" testId="sim-entry">
          <span className={mono}>
            {entry?.service ? `Service ${entry.service} ` : ''}
            {entry?.via === 'nodePort' ? `NodePort ${entry.nodePort} → port ${entry.servicePort}` : entry?.servicePort ? `port ${entry.servicePort}` : ''}
            {entry ? ` → pod port ${entry.listenerPort}` : ''}
            {r.gatewayPod ? ` on ${r.gatewayPod}` : ''}
          </span>
        </Stage>
      ) : null}
      {r.gatewayServer ? (
        <Stage label="Gateway server" testId="sim-gateway-server">
          <Link href={gwHref(r.gatewayServer.gateway)} className={cn(mono, link)}>
            {r.gatewayServer.id}
          </Link>
          <span className="ml-2 text-sm text-slate-600 dark:text-slate-300">
            {r.gatewayServer.protocol} {r.gatewayServer.port}
            {r.gatewayServer.tlsMode ? ` (TLS ${r.gatewayServer.tlsMode})` : ''} · hosts {r.gatewayServer.hosts.join(', ')}
          </span>
          {r.routeTable ? <div className="text-xs text-slate-500">route table {r.routeTable}{r.virtualHost ? `, virtual host ${r.virtualHost.name}` : ''}</div> : null}
        </Stage>
      ) : null}
      {r.virtualService ? (
        <Stage label="VirtualService" testId="sim-virtual-service">
          <Link href={vsHref(r.virtualService)} className={cn(mono, link)}>
            {r.virtualService}
          </Link>
          {r.virtualHost && r.virtualHost.virtualServices.length > 1 ? (
            <div className="text-xs text-slate-500">routes of {r.virtualHost.virtualServices.join(', ')} are merged on {r.virtualHost.domain}</div>
          ) : null}
        </Stage>
      ) : null}
      {r.route ? (
        <Stage label="Route" testId="sim-route">
          <span className={cn(mono, 'font-semibold')}>{r.route}</span>
          <ul className="mt-1 list-disc pl-5 text-sm text-slate-700 dark:text-slate-300" data-testid="sim-matched-because">
            {(r.matchedBecause ?? []).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          {r.rewrite ? <div className="mt-1 text-sm">rewritten to <code className={mono}>{r.rewrite.path}</code>{r.rewrite.authority ? <> with authority <code className={mono}>{r.rewrite.host}</code></> : null}</div> : null}
          {r.redirect ? <div className="mt-1 text-sm" data-testid="sim-redirect">redirect {r.redirect.code} → <code className={mono}>{r.redirect.location}</code></div> : null}
          {r.directResponse ? <div className="mt-1 text-sm">direct response {r.directResponse.status}{r.directResponse.body ? `: ${r.directResponse.body}` : ''}</div> : null}
          {r.fault ? <div className="mt-1 text-sm text-amber-800 dark:text-amber-300">fault injection: {r.fault.description}</div> : null}
        </Stage>
      ) : null}
      {r.destinations.length ? (
        <Stage label="Destinations" testId="sim-destinations">
          <table className="w-full border-collapse text-sm">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-1 pr-3">Host</th>
                <th className="py-1 pr-3">Port</th>
                <th className="py-1 pr-3">Subset</th>
                <th className="py-1 pr-3">Weight</th>
                <th className="py-1">Pods</th>
              </tr>
            </thead>
            <tbody>
              {r.destinations.map((d, i) => (
                <tr key={d.cluster + i} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid="sim-destination" data-subset={d.subset ?? ''} data-weight={percents[i]}>
                  <td className={cn('py-1 pr-3', mono)}>{d.fqdn}</td>
                  <td className={cn('py-1 pr-3', mono)}>{d.port}</td>
                  <td className={cn('py-1 pr-3', mono)}>{d.subset ?? '—'}</td>
                  <td className="py-1 pr-3">
                    <div className="flex items-center gap-2">
                      <div className="h-2 w-20 rounded bg-slate-200 dark:bg-slate-800">
                        <div className="h-2 rounded bg-sky-500" style={{ width: `${percents[i]}%` }} />
                      </div>
                      <span className="tabular-nums">{percents[i]}%</span>
                    </div>
                  </td>
                  <td className="py-1">
                    {d.pods.map((p) => (
                      <div key={p.pod} className={mono}>
                        <span className={cn('mr-1 inline-block h-2 w-2 rounded-full', p.ready ? 'bg-emerald-500' : 'bg-red-500')} title={p.ready ? 'ready' : 'not ready'} />
                        {p.pod}
                        {p.ip ? <span className="text-slate-500"> {p.ip}{p.port ? `:${p.port}` : ''}</span> : null}
                      </div>
                    ))}
                    {d.problem ? (
                      <div className="mt-1 rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800 dark:bg-red-950 dark:text-red-200">
                        {d.problem}
                        {d.envoyResponse ? ` (Envoy answers ${d.envoyResponse})` : ''}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Stage>
      ) : null}
      <h2 className="mt-6 text-sm font-semibold">Earlier routes that did not match</h2>
      {r.rejected.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500" data-testid="sim-rejected-none">
          None: {r.route ? 'the first route evaluated took the request.' : 'no route was evaluated.'}
        </p>
      ) : (
        <table className="mt-2 w-full border-collapse text-sm" data-testid="sim-rejected">
          <thead>
            <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
              <th className="py-2 pr-3">VirtualService</th>
              <th className="py-2 pr-3">Route</th>
              <th className="py-2">Why it did not match</th>
            </tr>
          </thead>
          <tbody>
            {r.rejected.map((x, i) => (
              <tr key={`${x.virtualService}-${x.route}-${i}`} className="border-b border-slate-200 align-top dark:border-slate-800" data-testid="sim-rejected-row" data-route={x.route}>
                <td className={cn('py-2 pr-3', mono)}>
                  <Link href={vsHref(x.virtualService)} className={link}>
                    {x.virtualService}
                  </Link>
                </td>
                <td className={cn('py-2 pr-3', mono)}>{x.route}</td>
                <td className="py-2">{x.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.notes.length ? (
        <ul className="mt-4 space-y-1 text-xs text-slate-500" data-testid="sim-notes">
          {r.notes.map((n) => (
            <li key={n}>note: {n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
