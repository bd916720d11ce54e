'use client';
/** The request to simulate: method, host, port, path, protocol and headers (one `name: value` per line). */
import type { SimRequest } from '@/lib/routing/request';
import { headersFromArgs, PROTOCOLS } from '@/lib/routing/request-query';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const field = 'rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-900';
const input = `${field} h-8`;

export function headerText(req: SimRequest): string {
  return Object.entries(req.headers ?? {})
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : v.join(',')}`)
    .join('\n');
}

export function RequestForm({ req, headers, hosts, onChange, onHeaders }: { req: SimRequest; headers: string; hosts: string[]; onChange: (r: SimRequest) => void; onHeaders: (text: string) => void }) {
  const set = (patch: Partial<SimRequest>) => onChange({ ...req, ...patch });
  return (
    <form className="mt-4 grid grid-cols-[auto_minmax(12rem,2fr)_6rem_minmax(10rem,3fr)_auto] items-end gap-2 text-sm" onSubmit={(e) => e.preventDefault()} data-testid="sim-form">
      <label className="flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Method</span>
        <select aria-label="Method" className={input} value={(req.method ?? 'GET').toUpperCase()} onChange={(e) => set({ method: e.target.value })}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Host</span>
        <input aria-label="Host" list="sim-hosts" className={input} value={req.host} placeholder="web.example.com" onChange={(e) => set({ host: e.target.value.trim() })} />
        <datalist id="sim-hosts">
          {hosts.map((h) => (
            <option key={h} value={h} />
          ))}
        </datalist>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Port</span>
        <input
          aria-label="Port"
          inputMode="numeric"
          className={input}
          value={req.port ?? ''}
          placeholder={req.protocol === 'HTTPS' || req.protocol === 'TLS' ? '443' : '80'}
          onChange={(e) => {
            const n = Number(e.target.value);
            const next = { ...req };
            if (e.target.value === '' || !Number.isInteger(n) || n <= 0) delete next.port;
            else next.port = Math.min(n, 65535);
            onChange(next);
          }}
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Path</span>
        <input aria-label="Path" className={input} value={req.path ?? '/'} onChange={(e) => set({ path: e.target.value || '/' })} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Protocol</span>
        <select
          aria-label="Protocol"
          className={input}
          value={req.protocol ?? 'HTTP'}
          onChange={(e) => {
            const next: SimRequest = { ...req, protocol: e.target.value as SimRequest['protocol'] };
            if (next.protocol === 'HTTP') delete next.protocol;
            onChange(next);
          }}
        >
          {PROTOCOLS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label className="col-span-5 flex flex-col gap-1">
        <span className="text-xs uppercase tracking-wide text-slate-500">Headers (one per line, name: value)</span>
        <textarea
          aria-label="Headers"
          rows={2}
          className={field}
          value={headers}
          placeholder="x-canary: true"
          onChange={(e) => {
            onHeaders(e.target.value);
            const h = headersFromArgs(e.target.value.split('\n'));
            const next: SimRequest = { ...req, headers: h };
            if (Object.keys(h).length === 0) delete next.headers;
            onChange(next);
          }}
        />
      </label>
    </form>
  );
}
