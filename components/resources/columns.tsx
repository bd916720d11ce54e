'use client';
/** The kind-specific columns of the list pages (what `kubectl get` would print, and a bit more). */
import type { ReactNode } from 'react';
import type { EditablePlural, KubeObject } from './kinds';

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export interface Column {
  header: string;
  cell(o: KubeObject): ReactNode;
  /** Text for filtering and sorting. */
  text(o: KubeObject): string;
  className?: string;
}

function List({ items, max = 3 }: { items: string[]; max?: number }) {
  if (items.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="font-mono text-xs">
      {items.slice(0, max).join(', ')}
      {items.length > max ? <span className="text-slate-500"> +{items.length - max}</span> : null}
    </span>
  );
}

function Count({ n, detail }: { n: number; detail?: string }) {
  return (
    <span className="text-xs">
      <span className="font-semibold tabular-nums">{n}</span>
      {detail ? <span className="ml-1 font-mono text-slate-500">{detail}</span> : null}
    </span>
  );
}

export const COLUMNS: Record<EditablePlural, Column[]> = {
  gateways: [
    {
      header: 'Selector',
      cell: (o) => <List items={Object.entries((o.spec?.selector ?? {}) as Json).map(([k, v]) => `${k}=${String(v)}`)} />,
      text: (o) => JSON.stringify(o.spec?.selector ?? {}),
    },
    {
      header: 'Servers',
      cell: (o) => {
        const s = arr(o.spec?.servers);
        return <Count n={s.length} detail={s.map((x) => `${String((x.port as Json | undefined)?.number ?? '?')}/${String((x.port as Json | undefined)?.protocol ?? '?')}`).join(' ')} />;
      },
      text: (o) => String(arr(o.spec?.servers).length),
    },
    {
      header: 'Hosts',
      cell: (o) => <List items={[...new Set(arr(o.spec?.servers).flatMap((s) => strs(s.hosts)))]} />,
      text: (o) => arr(o.spec?.servers).flatMap((s) => strs(s.hosts)).join(' '),
    },
  ],
  virtualservices: [
    { header: 'Hosts', cell: (o) => <List items={strs(o.spec?.hosts)} />, text: (o) => strs(o.spec?.hosts).join(' ') },
    { header: 'Gateways', cell: (o) => <List items={strs(o.spec?.gateways)} max={2} />, text: (o) => strs(o.spec?.gateways).join(' ') },
    {
      header: 'Routes',
      cell: (o) => {
        const parts = (['http', 'tcp', 'tls'] as const).map((k) => [k, arr(o.spec?.[k]).length] as const).filter(([, n]) => n > 0);
        const n = parts.reduce((a, [, x]) => a + x, 0);
        return <Count n={n} detail={parts.length === 1 ? parts[0]![0] : parts.map(([k, x]) => `${x} ${k}`).join(', ')} />;
      },
      text: (o) => String(arr(o.spec?.http).length + arr(o.spec?.tcp).length + arr(o.spec?.tls).length),
    },
  ],
  destinationrules: [
    { header: 'Host', cell: (o) => <span className="font-mono text-xs">{String(o.spec?.host ?? '')}</span>, text: (o) => String(o.spec?.host ?? '') },
    {
      header: 'Subsets',
      cell: (o) => {
        const s = arr(o.spec?.subsets);
        return <Count n={s.length} detail={s.map((x) => String(x.name ?? '?')).join(', ')} />;
      },
      text: (o) => arr(o.spec?.subsets).map((x) => String(x.name ?? '')).join(' '),
    },
    {
      header: 'Traffic policy',
      cell: (o) => <List items={Object.keys((o.spec?.trafficPolicy ?? {}) as Json)} />,
      text: (o) => Object.keys((o.spec?.trafficPolicy ?? {}) as Json).join(' '),
    },
  ],
};
