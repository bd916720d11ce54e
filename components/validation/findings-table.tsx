'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useClusterObjects } from '@/components/data/use-resources';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { proposeFix } from '@/lib/analysis/fixes';
import type { Finding, KubeObject as AnalysisObject } from '@/lib/analysis/types';
import { cn } from '@/components/ui/cn';
import { FixButton, SuppressControl, UnsuppressButton } from './finding-actions';

const EDITABLE: Record<string, string> = { Gateway: 'gateways', VirtualService: 'virtualservices', DestinationRule: 'destinationrules' };

const LEVEL_STYLE: Record<string, string> = {
  Error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  Warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  Info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
};

export function FindingsTable() {
  const { data } = useTopicSnapshot<{ findings: Finding[]; synced: boolean }>('analysis');
  const { objects } = useClusterObjects();
  const [level, setLevel] = useState('');
  const [q, setQ] = useState('');
  const [actionError, setActionError] = useState<string | undefined>();
  const active = useMemo(() => (data?.findings ?? []).filter((f) => !f.suppressed), [data]);
  const suppressed = useMemo(() => (data?.findings ?? []).filter((f) => f.suppressed), [data]);
  const rows = useMemo(
    () =>
      active.filter(
        (f) => (!level || f.level === level) && (!q || `${f.code} ${f.origin} ${f.message}`.toLowerCase().includes(q.toLowerCase())),
      ),
    [active, level, q],
  );
  const counts = useMemo(() => {
    const c = { Error: 0, Warning: 0, Info: 0 } as Record<string, number>;
    for (const f of active) c[f.level] = (c[f.level] ?? 0) + 1;
    return c;
  }, [active]);
  const fixes = useMemo(() => {
    const snapshot = objects as unknown as AnalysisObject[];
    return new Map(rows.map((f) => [f, proposeFix(f, snapshot)] as const));
  }, [rows, objects]);

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">Validation</h1>
        <span className="text-sm text-slate-500">
          istioctl analyze&apos;s checks and gatescope&apos;s own, over the live cluster
        </span>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-2 text-sm">
        {(['Error', 'Warning', 'Info'] as const).map((l) => (
          <button
            key={l}
            type="button"
            onClick={() => setLevel((cur) => (cur === l ? '' : l))}
            className={cn('rounded px-2 py-1', LEVEL_STYLE[l], level === l && 'ring-2 ring-slate-500')}
            data-testid={`count-${l}`}
          >
            {counts[l]} {l === 'Info' ? 'Info' : `${l}s`}
          </button>
        ))}
        <input
          aria-label="Filter findings"
          placeholder="Filter by code, resource or text…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="ml-auto w-72 rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
      </div>
      {actionError ? (
        <p role="alert" className="mt-3 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-testid="action-error">
          {actionError}{' '}
          <button type="button" className="ml-2 underline" onClick={() => setActionError(undefined)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {!data ? (
        <p className="mt-6 animate-pulse text-slate-500">Analyzing…</p>
      ) : !data.synced ? (
        <p className="mt-6 text-slate-500">Waiting for the cluster cache to load every kind…</p>
      ) : active.length === 0 ? (
        <p className="mt-6 rounded border border-emerald-300 bg-emerald-50 p-4 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100" data-testid="validation-clean">
          ✔ No validation issues found.
        </p>
      ) : (
        <table className="mt-4 w-full border-collapse text-sm" data-testid="findings">
          <thead>
            <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
              <th className="py-2 pr-3">Level</th>
              <th className="py-2 pr-3">Code</th>
              <th className="py-2 pr-3">Resource</th>
              <th className="py-2">Message</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((f, i) => {
              const plural = EDITABLE[f.resource.kind];
              return (
                <tr key={`${f.code}-${f.origin}-${i}`} className="border-b border-slate-200 align-top dark:border-slate-800" data-testid="finding" data-code={f.code}>
                  <td className="py-2 pr-3">
                    <span className={cn('rounded px-1.5 py-0.5 text-xs', LEVEL_STYLE[f.level])}>{f.level}</span>
                  </td>
                  <td className="py-2 pr-3 font-mono text-xs">
                    <a href={f.documentationUrl} target="_blank" rel="noreferrer" className="text-sky-700 underline dark:text-sky-400">
                      {f.code}
                    </a>
                  </td>
                  <td className="py-2 pr-3 font-mono text-xs">
                    {plural ? (
                      <Link href={`/${plural}/${f.resource.namespace || 'default'}/${f.resource.name}`} className="text-sky-700 hover:underline dark:text-sky-400">
                        {f.origin}
                      </Link>
                    ) : (
                      f.origin
                    )}
                    {f.path ? <div className="text-slate-500">{f.path}</div> : null}
                  </td>
                  <td className="py-2">
                    {f.message}
                    {f.fix ? <div className="mt-0.5 text-xs text-slate-500">Fix: {f.fix}</div> : null}
                    <div className="mt-1 flex flex-wrap items-center gap-1.5">
                      {fixes.get(f) ? (
                        <>
                          <FixButton fix={fixes.get(f)!} objects={objects} onError={setActionError} />
                          <span className="text-xs text-slate-600 dark:text-slate-300" data-testid="fix-title">
                            {fixes.get(f)!.title}
                          </span>
                        </>
                      ) : null}
                      <SuppressControl finding={f} objects={objects} onError={setActionError} />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {data && suppressed.length ? <SuppressedGroup findings={suppressed} objects={objects} onError={setActionError} /> : null}
    </div>
  );
}

function SuppressedGroup({ findings, objects, onError }: { findings: Finding[]; objects: Parameters<typeof UnsuppressButton>[0]['objects']; onError(m: string): void }) {
  return (
    <details className="mt-6 rounded border border-slate-200 dark:border-slate-800" data-testid="suppressed-group">
      <summary className="cursor-pointer px-3 py-2 text-sm text-slate-600 dark:text-slate-300">
        {findings.length} suppressed finding{findings.length === 1 ? '' : 's'}
        <span className="ml-2 text-xs text-slate-400">galley.istio.io/analyze-suppress on the object</span>
      </summary>
      <ul className="divide-y divide-slate-100 border-t border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
        {findings.map((f, i) => (
          <li key={`${f.code}-${f.origin}-${i}`} className="flex flex-wrap items-start gap-3 px-3 py-2" data-testid="suppressed-finding" data-code={f.code}>
            <span className={cn('rounded px-1.5 py-0.5 text-xs opacity-70', LEVEL_STYLE[f.level])}>{f.level}</span>
            <span className="font-mono text-xs">{f.code}</span>
            <span className="font-mono text-xs">{f.origin}</span>
            <div className="min-w-0 flex-1">
              <div className="text-slate-500 line-through decoration-slate-300">{f.message}</div>
              <div className="text-xs text-slate-700 dark:text-slate-200" data-testid="suppress-reason">
                Reason: {f.suppressed?.reason ?? <em className="text-slate-400">none given</em>}
                {f.suppressed?.by === '*' ? <span className="ml-1 text-slate-400">(every code is suppressed on this object)</span> : null}
              </div>
            </div>
            <UnsuppressButton finding={f} objects={objects} onError={onError} />
          </li>
        ))}
      </ul>
    </details>
  );
}
