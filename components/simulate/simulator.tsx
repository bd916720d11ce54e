'use client';
/**
 * "Which route serves this request?": lib/routing's simulator, run in the browser on the live
 * resources (the same topics every page reads), re-evaluated as the request or the cluster
 * changes. The request lives in the URL (`/simulate?host=…&path=…&h=name:value`), so a simulation
 * can be linked to and reloaded.
 */
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import type { SimRequest } from '@/lib/routing/request';
import { simRequestFromQuery, simRequestToQuery } from '@/lib/routing/request-query';
import { routeAnswerJson } from '@/lib/routing/route-answer';
import { gatewayWorkloads } from '@/lib/routing/host-map';
import { simulateRequest } from '@/lib/routing/simulate';
import { isPodReady } from '@/lib/kube/core';
import { objectKey } from '@/lib/kube/object';
import { headerText, RequestForm } from './request-form';
import { ResultView } from './result-view';
import { useMeshSnapshot } from './use-mesh-snapshot';

const DEFAULT: SimRequest = { host: 'web.example.com', path: '/' };

export function Simulator() {
  const params = useSearchParams();
  const initial = useMemo(() => {
    const r = simRequestFromQuery(new URLSearchParams(params.toString()));
    return r.host ? r : DEFAULT;
    // Read once: afterwards the page owns the request and writes it to the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [req, setReq] = useState<SimRequest>(initial);
  const [headers, setHeaders] = useState(() => headerText(initial));
  const [gateway, setGateway] = useState(() => params.get('gateway') ?? '');
  const { snapshot, loaded } = useMeshSnapshot();

  useEffect(() => {
    const q = simRequestToQuery(req) + (gateway ? `&gateway=${encodeURIComponent(gateway)}` : '');
    if (window.location.search !== `?${q}`) window.history.replaceState(window.history.state, '', `/simulate?${q}`);
  }, [req, gateway]);

  /** Gateway workloads (pods behind one Service): with several, the user picks where the request enters. */
  const workloads = useMemo(() => gatewayWorkloads(snapshot), [snapshot]);
  const gatewayPod = useMemo(() => {
    const w = workloads.find((x) => x.workload === gateway);
    const pod = w ? (w.pods.find(isPodReady) ?? w.pods[0]) : undefined;
    return pod ? objectKey(pod) : undefined;
  }, [workloads, gateway]);

  const hosts = useMemo(() => [...new Set(snapshot.virtualServices.flatMap((v) => v.spec?.hosts ?? []).filter((h) => h !== '*'))].sort(), [snapshot]);
  const result = useMemo(() => (loaded && req.host ? simulateRequest(snapshot, req, gatewayPod ? { gatewayPod } : {}) : undefined), [snapshot, loaded, req, gatewayPod]);
  const cli = `gatescope route --host ${req.host || 'HOST'} --path '${req.path ?? '/'}'${req.method && req.method !== 'GET' ? ` --method ${req.method}` : ''}${req.port ? ` --port ${req.port}` : ''}${req.protocol ? ` --protocol ${req.protocol}` : ''}${Object.entries(req.headers ?? {})
    .map(([k, v]) => ` --header '${k}=${String(v)}'`)
    .join('')}`;

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Simulate</h1>
        <span className="text-sm text-slate-500">Which route serves this request, and why not the others: evaluated on the live Gateways, VirtualServices and DestinationRules</span>
      </div>
      <RequestForm req={req} headers={headers} hosts={hosts} onChange={setReq} onHeaders={setHeaders} />
      {workloads.length > 1 ? (
        <label className="mt-2 flex items-center gap-2 text-sm">
          <span className="text-xs uppercase tracking-wide text-slate-500">Gateway</span>
          <select aria-label="Gateway" className="h-8 rounded border border-slate-300 bg-white px-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900" value={gateway} onChange={(e) => setGateway(e.target.value)}>
            <option value="">first ready gateway pod</option>
            {workloads.map((w) => (
              <option key={w.workload} value={w.workload}>
                {w.workload} ({w.pods.length} pod{w.pods.length === 1 ? '' : 's'})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {!loaded ? (
        <p className="mt-6 animate-pulse text-slate-500">Loading the cluster&apos;s resources…</p>
      ) : !req.host ? (
        <p className="mt-6 text-slate-500">Enter a host.</p>
      ) : result ? (
        <>
          <ResultView r={result} />
          <details className="mt-6 text-xs text-slate-500">
            <summary className="cursor-pointer">Same answer from the command line</summary>
            <pre className="mt-2 overflow-auto rounded bg-slate-100 p-2 dark:bg-slate-900">{cli} --output json</pre>
            <pre className="mt-2 overflow-auto rounded bg-slate-100 p-2 dark:bg-slate-900" data-testid="sim-json">{JSON.stringify(routeAnswerJson(result), null, 2)}</pre>
          </details>
        </>
      ) : null}
    </div>
  );
}
