'use client';
/** The Logs page's filter bar: pod, status class, method, authority/path, path regex, response flags, upstream. */
import { filterError, type LogFilter } from '@/lib/logs/filter';
import { cn } from '@/components/ui/cn';

const STATUS = ['2xx', '3xx', '4xx', '5xx', '0'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const STATUS_STYLE: Record<string, string> = {
  '2xx': 'text-emerald-700 dark:text-emerald-400',
  '3xx': 'text-sky-700 dark:text-sky-400',
  '4xx': 'text-amber-700 dark:text-amber-400',
  '5xx': 'text-red-700 dark:text-red-400',
  '0': 'text-red-700 dark:text-red-400',
};

const input = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';

/** Filters set from elsewhere (an overview edge's link, `/logs?route=…&subset=…`): shown as removable chips. */
const SCOPES: Array<{ key: 'virtualService' | 'routeId' | 'serviceId' | 'subsetId'; title: string; show(v: string): string }> = [
  { key: 'virtualService', title: 'VirtualService', show: (v) => v },
  { key: 'routeId', title: 'route', show: (v) => v.replace(/^route:/, '') },
  { key: 'serviceId', title: 'Service', show: (v) => v.replace(/^service:/, '').replace(/\.svc\.cluster\.local$/, '') },
  { key: 'subsetId', title: 'subset', show: (v) => v.replace(/^subset:/, '').replace(/\.svc\.cluster\.local:/, ' / ') },
];

function ScopeChip({ name, value, onRemove }: { name: string; value: string; onRemove(): void }) {
  return (
    <span className="flex items-center gap-1 rounded-full border border-indigo-300 bg-indigo-50 py-0.5 pl-2 pr-1 text-xs text-indigo-900 dark:border-indigo-700 dark:bg-indigo-950 dark:text-indigo-100" data-testid="filter-chip" data-filter={name}>
      <span className="text-indigo-600 dark:text-indigo-300">{name}</span>
      <span className="font-mono">{value}</span>
      <button type="button" aria-label={`Remove the ${name} filter`} onClick={onRemove} className="rounded-full px-1 hover:bg-indigo-100 dark:hover:bg-indigo-900">
        ✕
      </button>
    </span>
  );
}

export function LogFilters({ filter, onChange, pods, showProxy, onShowProxy }: { filter: LogFilter; onChange(f: LogFilter): void; pods: string[]; showProxy: boolean; onShowProxy(v: boolean): void }) {
  const set = <K extends keyof LogFilter>(k: K, v: LogFilter[K] | undefined) => {
    const next = { ...filter };
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  const regexError = filterError(filter);
  const toggleStatus = (s: string) => {
    const cur = filter.status ?? [];
    set('status', cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]);
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="log-filters">
      {SCOPES.filter((sc) => filter[sc.key]).map((sc) => (
        <ScopeChip key={sc.key} name={sc.title} value={sc.show(filter[sc.key]!)} onRemove={() => set(sc.key, undefined)} />
      ))}
      {(filter.pods?.length ?? 0) > 1 ? <ScopeChip name="pods" value={filter.pods!.map((p) => p.slice(p.indexOf('/') + 1)).join(', ')} onRemove={() => set('pods', undefined)} /> : null}
      <select aria-label="Filter by pod" value={filter.pods?.length === 1 ? filter.pods[0] : ''} onChange={(e) => set('pods', e.target.value ? [e.target.value] : undefined)} className={input}>
        <option value="">Pod: all</option>
        {pods.map((p) => (
          <option key={p} value={p}>
            {p.slice(p.indexOf('/') + 1)}
          </option>
        ))}
      </select>
      <div className="flex overflow-hidden rounded border border-slate-300 dark:border-slate-700" role="group" aria-label="Status class">
        {STATUS.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={filter.status?.includes(s) ?? false}
            onClick={() => toggleStatus(s)}
            className={cn('px-2 py-1 text-xs font-medium', STATUS_STYLE[s], filter.status?.includes(s) ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-800')}
            data-testid={`status-${s}`}
          >
            {s === '0' ? 'no resp.' : s}
          </button>
        ))}
      </div>
      <input
        aria-label="Exact status code"
        placeholder="code"
        value={(filter.status ?? []).find((s) => /^\d{3}$/.test(s)) ?? ''}
        onChange={(e) => set('status', [...(filter.status ?? []).filter((s) => !/^\d{3}$/.test(s)), ...(/^\d{3}$/.test(e.target.value) ? [e.target.value] : [])])}
        className={cn(input, 'w-16')}
      />
      <select aria-label="Filter by method" value={filter.methods?.[0] ?? ''} onChange={(e) => set('methods', e.target.value ? [e.target.value] : undefined)} className={input}>
        <option value="">Method: all</option>
        {METHODS.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
      <input aria-label="Authority or path contains" placeholder="authority / path contains…" value={filter.q ?? ''} onChange={(e) => set('q', e.target.value)} className={cn(input, 'w-56')} />
      <input
        aria-label="Path regex"
        aria-invalid={!!regexError}
        aria-describedby={regexError ? 'path-regex-error' : undefined}
        placeholder="path regex (RE2)…"
        title="An RE2 regular expression (Envoy's engine) searched in the path, e.g. ^/api/v[0-9]+/ — anchor with ^…$ for the whole path"
        value={filter.pathRegex ?? ''}
        onChange={(e) => set('pathRegex', e.target.value)}
        className={cn(input, 'w-44 font-mono text-xs', regexError && 'border-red-500 dark:border-red-500')}
      />
      <input aria-label="Response flags" placeholder="flags (NR,UH)" value={filter.flags?.join(',') ?? ''} onChange={(e) => set('flags', e.target.value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean))} className={cn(input, 'w-28')} />
      <input aria-label="Upstream cluster contains" placeholder="upstream cluster…" value={filter.upstream ?? ''} onChange={(e) => set('upstream', e.target.value)} className={cn(input, 'w-44')} />
      <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
        <input type="checkbox" checked={showProxy} onChange={(e) => onShowProxy(e.target.checked)} /> proxy log lines
      </label>
      {Object.keys(filter).length ? (
        <button type="button" onClick={() => onChange({})} className="rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          Clear filters
        </button>
      ) : null}
      {regexError ? (
        <p id="path-regex-error" role="alert" className="basis-full text-xs text-red-700 dark:text-red-400" data-testid="path-regex-error">
          {regexError}. The path regex is not applied until it is valid; the other filters are.
        </p>
      ) : null}
    </div>
  );
}
