'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { stringify } from 'yaml';
import type { ViewNode } from '@/components/graph/types';
import { RouteOrder } from './route-order';

async function fetchObject(ref: NonNullable<ViewNode['ref']>): Promise<unknown> {
  const res = await fetch(`/api/resources/${ref.plural}/${ref.namespace ?? '_'}/${ref.name}`);
  if (!res.ok) throw new Error(((await res.json()) as { error?: string }).error ?? `HTTP ${res.status}`);
  return res.json();
}

function stripNoise(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const o = structuredClone(obj) as { metadata?: Record<string, unknown> };
  if (o.metadata) delete o.metadata.managedFields;
  return o;
}

const EDITABLE = new Set(['gateways', 'virtualservices', 'destinationrules']);

export function SidePanel({ node, onClose }: { node: ViewNode; onClose(): void }) {
  const ref = node.ref;
  const obj = useQuery({
    queryKey: ['gatescope', 'object', ref?.plural, ref?.namespace, ref?.name, node.data?.resourceVersion],
    queryFn: () => fetchObject(ref!),
    enabled: !!ref,
  });
  return (
    <aside
      data-testid="side-panel"
      className="w-[420px] shrink-0 overflow-y-auto border-l border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-start justify-between gap-2">
        <div>
          <div className="text-xs uppercase tracking-wide text-slate-500">{node.stage}</div>
          <h2 className="break-all text-base font-semibold">{node.label}</h2>
          {node.detail ? <div className="font-mono text-xs text-slate-500">{node.detail}</div> : null}
        </div>
        <button type="button" onClick={onClose} aria-label="Close panel" className="rounded px-2 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800">
          ✕
        </button>
      </div>
      {node.warnings.length > 0 ? (
        <ul className="mt-3 space-y-1" data-testid="node-warnings">
          {node.warnings.map((w) => (
            <li key={w} className={node.health === 'error' ? 'rounded bg-red-50 px-2 py-1 text-red-800 dark:bg-red-950 dark:text-red-200' : 'rounded bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950 dark:text-amber-100'}>
              {w}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-emerald-700 dark:text-emerald-400">No problems found on this node.</p>
      )}
      {node.data ? (
        <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1">
          {Object.entries(node.data)
            .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
            .map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="break-all font-mono text-xs leading-5">{String(v)}</dd>
              </div>
            ))}
        </dl>
      ) : null}
      {ref && EDITABLE.has(ref.plural) && ref.namespace ? (
        <div className="mt-4 flex gap-2 text-xs">
          <Link href={`/${ref.plural}/${ref.namespace}/${ref.name}`} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" data-testid="edit-link">
            Edit {ref.namespace}/{ref.name}
          </Link>
          <Link href={`/${ref.plural}`} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
            All {ref.plural}
          </Link>
        </div>
      ) : null}
      {ref?.plural === 'virtualservices' && ref.namespace ? <RouteOrder namespace={ref.namespace} name={ref.name} /> : null}
      {ref ? (
        <section className="mt-4">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            YAML · {ref.plural} {ref.namespace ? `${ref.namespace}/` : ''}
            {ref.name}
          </h3>
          {obj.isError ? (
            <p className="mt-1 text-red-700">Could not load the object: {(obj.error as Error).message}</p>
          ) : (
            <pre className="mt-1 max-h-[50vh] overflow-auto rounded bg-slate-100 p-2 text-[11px] leading-4 dark:bg-slate-950" data-testid="node-yaml">
              {obj.data ? stringify(stripNoise(obj.data)) : 'Loading…'}
            </pre>
          )}
        </section>
      ) : null}
    </aside>
  );
}
