'use client';
import { useRef } from 'react';
import { useNodeRatePaint, type NodeRate } from './node-rates';

const STAGES_WITH_RATES = new Set(['gatewayPod', 'virtualService', 'route', 'service', 'subset']);

/** `12.4 req/s · 3 % 5xx` under a node of the overview, from the gateway access logs (10-second window). */
export function NodeRateBadge({ id, stage }: { id: string; stage: string }) {
  if (!STAGES_WITH_RATES.has(stage)) return null;
  return <Rate id={id} />;
}

const TITLE = 'requests/s, 5xx share and p95 latency over the last 10 s (gateway access logs)';
const ERR_CLASS = { red: 'text-red-600', amber: 'text-amber-600', ok: 'text-emerald-700 dark:text-emerald-400' };

/** Writes one rate into the badge's three spans (hidden while no request reached the node). */
function paint(el: HTMLDivElement, r: NodeRate | undefined): void {
  el.hidden = !r;
  if (!r) return;
  el.dataset.rps = String(r.rps);
  const [rps, err, p95] = el.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
  rps.textContent = `${r.rps.toFixed(1)} req/s`;
  err.hidden = !(r.errorPct > 0);
  if (r.errorPct > 0) {
    err.textContent = `${r.errorPct.toFixed(0)}% 5xx`;
    err.className = r.errorPct >= 5 ? ERR_CLASS.red : ERR_CLASS.amber;
  }
  p95.hidden = r.p95 === undefined;
  if (r.p95 !== undefined) p95.textContent = `p95 ${Math.round(r.p95)}ms`;
}

function Rate({ id }: { id: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useNodeRatePaint(id, ref, paint);
  return (
    <div ref={ref} hidden className="mt-0.5 flex gap-1.5 overflow-hidden whitespace-nowrap font-mono text-[10px] leading-none" data-testid="node-rate" title={TITLE}>
      <span className="text-slate-700 dark:text-slate-200" />
      <span />
      <span className="text-slate-500" />
    </div>
  );
}
