'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useTopicSnapshot } from '@/components/data/use-stream';
import type { Finding } from '@/lib/analysis/types';
import { cn } from '@/components/ui/cn';

const EDITABLE: Record<string, string> = { Gateway: 'gateways', VirtualService: 'virtualservices', DestinationRule: 'destinationrules' };

const LEVEL_STYLE: Record<string, string> = {
  Error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  Warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  Info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100',
};

export function FindingsTable() {
  const { data } = useTopicSnapshot<{ findings: Finding[]; synced: boolean }>('analysis');
  const [level, setLevel] = useState('');
  const [q, setQ] = useState('');
  const rows = useMemo(
    () =>
      (data?.findings ?? []).filter(
        (f) => (!level || f.level === level) && (!q || `${f.code} ${f.origin} ${f.message}`.toLowerCase().includes(q.toLowerCase())),
      ),
    [data, level, q],
  );
  const counts = useMemo(() => {
    const c = { Error: 0, Warning: 0, Info: 0 } as Record<string, number>;
    for (const f of data?.findings ?? []) c[f.level] = (c[f.level] ?? 0) + 1;
    return c;
  }, [data]);

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
      {!data ? (
        <p className="mt-6 animate-pulse text-slate-500">Analyzing…</p>
      ) : !data.synced ? (
        <p className="mt-6 text-slate-500">Waiting for the cluster cache to load every kind…</p>
      ) : data.findings.length === 0 ? (
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
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
