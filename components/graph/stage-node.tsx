'use client';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { cn } from '@/components/ui/cn';
import { ProxySyncBadge } from '@/components/sync/proxy-sync-badge';
import { NodeRateBadge } from './node-rate';
import type { ViewNode } from './types';

/** Width of a node in flow units (lib/topology/view lays columns out 272 apart: 88 between nodes for edge labels). */
export const NODE_WIDTH = 184;

export type StageFlowNode = Node<{ view: ViewNode; selected?: boolean }, 'stage'>;

const STAGE_ACCENT: Record<string, string> = {
  client: 'border-l-slate-400',
  loadBalancer: 'border-l-violet-500',
  nodePort: 'border-l-violet-400',
  gatewayPod: 'border-l-sky-500',
  gatewayServer: 'border-l-sky-400',
  virtualService: 'border-l-indigo-500',
  route: 'border-l-indigo-400',
  service: 'border-l-emerald-500',
  subset: 'border-l-emerald-400',
  pod: 'border-l-teal-500',
};

/** Where a new route can be drawn from and to (components/overview/draw-route.ts). */
const DRAW_SOURCES = new Set(['gatewayServer', 'virtualService', 'route']);
const DRAW_TARGETS = new Set(['service', 'subset']);

function StageNodeImpl({ data }: NodeProps<StageFlowNode>) {
  const v = data.view;
  return (
    <div
      data-testid="topology-node"
      data-stage={v.stage}
      data-node-id={v.id}
      data-health={v.health}
      title={v.warnings.join('\n') || undefined}
      className={cn(
        'w-[184px] rounded-md border border-l-4 bg-white px-2.5 py-1.5 text-left shadow-sm dark:bg-slate-900',
        STAGE_ACCENT[v.stage] ?? 'border-l-slate-400',
        v.health === 'error' && 'border-red-500 ring-1 ring-red-500',
        v.health === 'warning' && 'border-amber-500 ring-1 ring-amber-400',
        v.health === 'ok' && 'border-slate-200 dark:border-slate-700',
      )}
    >
      <Handle type="target" position={Position.Left} className={cn('!min-w-0 !border-0', DRAW_TARGETS.has(v.stage) ? '!h-2.5 !w-2.5 !bg-emerald-500' : '!h-1.5 !w-1.5 !bg-slate-400')} isConnectable={DRAW_TARGETS.has(v.stage)} />
      <div className="flex items-center gap-1.5">
        {v.health !== 'ok' ? (
          <span aria-label={v.health} className={cn('text-xs', v.health === 'error' ? 'text-red-600' : 'text-amber-600')}>
            {v.health === 'error' ? '✖' : '⚠'}
          </span>
        ) : null}
        <span className="truncate text-[13px] font-medium">{v.label}</span>
        {v.stage === 'gatewayPod' ? <ProxySyncBadge podKey={v.id.slice('gatewayPod:'.length)} /> : null}
      </div>
      {v.detail ? <div className="truncate font-mono text-[11px] text-slate-500 dark:text-slate-400">{v.detail}</div> : null}
      <NodeRateBadge id={v.id} stage={v.stage} />
      <Handle
        type="source"
        position={Position.Right}
        className={cn('!min-w-0 !border-0', DRAW_SOURCES.has(v.stage) ? '!h-2.5 !w-2.5 !bg-indigo-500' : '!h-1.5 !w-1.5 !bg-slate-400')}
        isConnectable={DRAW_SOURCES.has(v.stage)}
        title={DRAW_SOURCES.has(v.stage) ? 'Drag to a Service or subset to draw a new route' : undefined}
      />
    </div>
  );
}

export const StageNode = memo(StageNodeImpl);
