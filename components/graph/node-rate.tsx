'use client';
import { useNodeRate } from './node-rates';

const STAGES_WITH_RATES = new Set(['gatewayPod', 'virtualService', 'route', 'service', 'subset']);

/** `12.4 req/s · 3 % 5xx` under a node of the overview, from the gateway access logs (10-second window). */
export function NodeRateBadge({ id, stage }: { id: string; stage: string }) {
  if (!STAGES_WITH_RATES.has(stage)) return null;
  return <Rate id={id} />;
}

function Rate({ id }: { id: string }) {
  const r = useNodeRate(id);
  if (!r) return null;
  const err = r.errorPct >= 5 ? 'text-red-600' : r.errorPct > 0 ? 'text-amber-600' : 'text-emerald-700 dark:text-emerald-400';
  return (
    <div className="mt-0.5 flex gap-1.5 overflow-hidden whitespace-nowrap font-mono text-[10px] leading-none" data-testid="node-rate" data-rps={r.rps} title="requests/s, 5xx share and p95 latency over the last 10 s (gateway access logs)">
      <span className="text-slate-700 dark:text-slate-200">{r.rps.toFixed(1)} req/s</span>
      {r.errorPct > 0 ? <span className={err}>{r.errorPct.toFixed(0)}% 5xx</span> : null}
      {r.p95 !== undefined ? <span className="text-slate-500">p95 {Math.round(r.p95)}ms</span> : null}
    </div>
  );
}
