'use client';
/**
 * The live list of one kind: every object the cluster has, as the watch delivers it, with
 * lib/analysis findings per object (count and worst level), and Create / Edit / Clone / Delete.
 */
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { useResources } from '@/components/data/use-resources';
import { useTopicSnapshot } from '@/components/data/use-stream';
import { cn } from '@/components/ui/cn';
import type { Finding } from '@/lib/analysis/types';
import { COLUMNS } from './columns';
import { DeleteDialog } from './delete-dialog';
import { FindingsBadge } from './findings-badge';
import { age, editorHref, KINDS, type EditablePlural, type KubeObject } from './kinds';

const button = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800';

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function ResourceList({ plural }: { plural: EditablePlural }) {
  const info = KINDS[plural];
  const { items, loaded } = useResources(plural);
  const { data: analysis } = useTopicSnapshot<{ findings: Finding[]; synced: boolean }>('analysis');
  const [namespace, setNamespace] = useState('');
  const [q, setQ] = useState('');
  const [deleting, setDeleting] = useState<KubeObject | null>(null);
  const now = useNow(15_000);
  const columns = COLUMNS[plural];

  const findingsOf = useMemo(() => {
    const m = new Map<string, Finding[]>();
    for (const f of analysis?.findings ?? []) {
      if (f.resource.kind !== info.kind || f.suppressed) continue;
      const k = `${f.resource.namespace}/${f.resource.name}`;
      m.set(k, [...(m.get(k) ?? []), f]);
    }
    return m;
  }, [analysis, info.kind]);

  const namespaces = useMemo(() => [...new Set(items.map((o) => o.metadata.namespace ?? ''))].sort(), [items]);
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return items
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .filter((o) => !needle || [o.metadata.name, o.metadata.namespace ?? '', ...columns.map((c) => c.text(o))].join(' ').toLowerCase().includes(needle))
      .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  }, [items, namespace, q, columns]);

  return (
    <div className="mx-auto max-w-7xl p-6" data-testid={`${plural}-list`}>
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">{info.title}</h1>
        <span className="text-sm text-slate-500">
          {loaded ? `${items.length} in the cluster, live` : 'loading…'} ·{' '}
          <a href={info.docs} target="_blank" rel="noreferrer" className="hover:underline">
            {info.kind} reference ↗
          </a>
        </span>
        <Link href={`/${plural}/new`} className="ml-auto rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">
          Create {info.kind}
        </Link>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-2 text-sm">
        <select aria-label="Namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
          <option value="">All namespaces</option>
          {namespaces.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <input
          aria-label={`Filter ${info.title}`}
          placeholder="Filter by name, host, gateway…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="w-72 rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
        {analysis && !analysis.synced ? <span className="text-xs text-slate-500">analysis waits for the cache…</span> : null}
      </div>
      {!loaded ? (
        <p className="mt-6 animate-pulse text-slate-500">Loading {info.title} from the cluster…</p>
      ) : rows.length === 0 ? (
        <div className="mt-6 rounded border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700">
          {items.length === 0 ? `No ${info.title} in the cluster yet.` : 'Nothing matches the filter.'}{' '}
          <Link href={`/${plural}/new`} className="text-sky-700 underline dark:text-sky-400">
            Create one
          </Link>
        </div>
      ) : (
        <table className="mt-4 w-full border-collapse text-sm" data-testid="resource-table">
          <thead>
            <tr className="border-b border-slate-300 text-left text-xs uppercase tracking-wide text-slate-500 dark:border-slate-700">
              <th className="py-2 pr-3 font-medium">Namespace</th>
              <th className="py-2 pr-3 font-medium">Name</th>
              {columns.map((c) => (
                <th key={c.header} className="py-2 pr-3 font-medium">
                  {c.header}
                </th>
              ))}
              <th className="py-2 pr-3 font-medium">Age</th>
              <th className="py-2 pr-3 font-medium">Findings</th>
              <th className="py-2 text-right font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => {
              const ns = o.metadata.namespace ?? '';
              const href = editorHref(plural, ns, o.metadata.name);
              return (
                <tr key={`${ns}/${o.metadata.name}`} className="border-b border-slate-200 align-middle hover:bg-slate-100/60 dark:border-slate-800 dark:hover:bg-slate-900" data-testid="resource-row" data-name={o.metadata.name} data-namespace={ns}>
                  <td className="py-2 pr-3 font-mono text-xs text-slate-600 dark:text-slate-400">{ns}</td>
                  <td className="py-2 pr-3">
                    <Link href={href} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                      {o.metadata.name}
                    </Link>
                  </td>
                  {columns.map((c) => (
                    <td key={c.header} className={cn('py-2 pr-3', c.className)}>
                      {c.cell(o)}
                    </td>
                  ))}
                  <td className="py-2 pr-3 text-xs tabular-nums text-slate-500" title={o.metadata.creationTimestamp}>
                    {age(o.metadata.creationTimestamp, now)}
                  </td>
                  <td className="py-2 pr-3">
                    <FindingsBadge findings={findingsOf.get(`${ns}/${o.metadata.name}`) ?? []} pending={!analysis?.synced} />
                  </td>
                  <td className="whitespace-nowrap py-2 text-right">
                    <span className="inline-flex gap-1">
                      <Link href={href} className={button} aria-label={`Edit ${ns}/${o.metadata.name}`}>
                        Edit
                      </Link>
                      <Link href={`/${plural}/new?from=${encodeURIComponent(`${ns}/${o.metadata.name}`)}`} className={button} aria-label={`Clone ${ns}/${o.metadata.name}`}>
                        Clone
                      </Link>
                      <button type="button" className={cn(button, 'text-red-700 dark:text-red-400')} aria-label={`Delete ${ns}/${o.metadata.name}`} onClick={() => setDeleting(o)}>
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {deleting ? <DeleteDialog plural={plural} object={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}
