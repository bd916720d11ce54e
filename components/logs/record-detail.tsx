'use client';
/** Every field of one log record, its response flags explained, and the route that served it. */
import Link from 'next/link';
import { describeFlags } from '@/lib/accesslog/response-flags';
import type { LogRecord } from '@/lib/logs/record';
import { simRequestFromAccessLog, simRequestToQuery } from '@/lib/routing/request-query';

export function RecordDetail({ record, onClose }: { record: LogRecord; onClose(): void }) {
  const e = record.entry;
  const fields = e ? Object.entries(e).filter(([, v]) => v !== undefined && typeof v !== 'object') : [];
  const vs = record.routeId?.match(/^route:([^/]+)\/([^:]+):/);
  const sim = e ? simRequestFromAccessLog(e) : undefined;
  return (
    <aside className="w-96 shrink-0 overflow-auto rounded border border-slate-200 bg-white p-3 text-xs dark:border-slate-800 dark:bg-slate-900" data-testid="record-detail">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">{record.kind === 'access' ? 'Access-log line' : record.kind === 'invalid' ? 'Unparsed line' : 'Proxy log line'}</h2>
        <button type="button" onClick={onClose} className="rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label="Close">
          ✕
        </button>
      </div>
      <p className="mt-1 text-slate-500">
        {record.pod} · {record.ts}
      </p>
      {record.error ? <p className="mt-2 rounded bg-red-50 p-2 text-red-800 dark:bg-red-950 dark:text-red-200">{record.error}</p> : null}
      {record.routeId ? (
        <p className="mt-2">
          Served by route <span className="font-mono">{record.routeId.replace(/^route:/, '')}</span>
          {vs ? (
            <>
              {' '}
              ·{' '}
              <Link className="text-sky-700 underline dark:text-sky-400" href={`/virtualservices/${vs[1]}/${vs[2]}`}>
                VirtualService {vs[1]}/{vs[2]}
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      {sim ? (
        <p className="mt-2">
          <Link className="text-sky-700 underline dark:text-sky-400" href={`/simulate?${simRequestToQuery(sim)}`} data-testid="simulate-line">
            Which route should serve this request? Simulate it
          </Link>
        </p>
      ) : null}
      {describeFlags(e?.responseFlags).map((f) => (
        <p key={f.code} className="mt-2 rounded bg-amber-50 p-2 text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          <b>
            {f.code} {f.name}
          </b>
          : {f.meaning}
        </p>
      ))}
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 font-mono">
        {fields.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="break-all">{String(v)}</dd>
          </div>
        ))}
      </dl>
      <pre className="mt-2 whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] dark:bg-slate-950">{record.raw}</pre>
    </aside>
  );
}
