'use client';
/**
 * A connection drawn on the overview (Gateway server, VirtualService or route → Service or
 * subset) becomes a prefilled form: the draft is stored where the editor looks for it and the
 * editor opens. Nothing is written to the cluster (lib/editing/new-route.ts builds the drafts).
 */
import type { ViewNode } from '@/components/graph/types';
import { editorHref, type KubeObject } from '@/components/resources/kinds';
import { draftKey, isDirty, loadEdit, newEdit, saveEdit, type EditState } from '@/lib/editing/draft';
import { newVirtualServiceFor, withNewRoute, type RouteTarget } from '@/lib/editing/new-route';

const SOURCES = new Set(['gatewayServer', 'virtualService', 'route']);
const TARGETS = new Set(['service', 'subset']);

/** Whether a drag from `source` to `target` can become a route. */
export function canDrawRoute(source: ViewNode | undefined, target: ViewNode | undefined): boolean {
  return !!source && !!target && SOURCES.has(source.stage) && TARGETS.has(target.stage);
}

function targetOf(node: ViewNode, all: readonly ViewNode[]): RouteTarget {
  const d = node.data as { fqdn: string; subset?: string; ports?: number[] };
  const service = node.stage === 'service' ? node : all.find((n) => n.id === `service:${d.fqdn}`);
  const port = (service?.data as { ports?: number[] } | undefined)?.ports?.[0];
  return { fqdn: d.fqdn, ...(port ? { port } : {}), ...(d.subset ? { subset: d.subset } : {}) };
}

function store(key: string, state: EditState<KubeObject>): string | undefined {
  try {
    window.localStorage.setItem(key, saveEdit(state, Date.now()));
    return undefined;
  } catch {
    return 'The browser refused to store the draft (storage full or disabled).';
  }
}

/** Stores the draft and answers the editor to open, or an error in words. */
export function drawRoute(context: string, source: ViewNode, target: ViewNode, all: readonly ViewNode[], virtualServices: readonly KubeObject[]): { href: string } | { error: string } {
  const t = targetOf(target, all);
  const label = `${t.fqdn.split('.')[0]}${t.subset ? ` subset ${t.subset}` : ''}`;
  if (source.stage === 'gatewayServer') {
    const d = source.data as { gateway: string; hosts: string[] };
    const draft = newVirtualServiceFor(d.gateway, d.hosts, t) as unknown as KubeObject;
    const ns = draft.metadata.namespace ?? 'default';
    const err = store(draftKey(context, { plural: 'virtualservices', namespace: ns, name: '~new' }), newEdit(draft));
    return err ? { error: err } : { href: `/virtualservices/new?namespace=${encodeURIComponent(ns)}` };
  }
  const vsKey = (source.data as { virtualService: string }).virtualService;
  const [ns, name] = vsKey.split('/') as [string, string];
  const live = virtualServices.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
  if (!live) return { error: `VirtualService ${vsKey} is not in the cluster (any more)` };
  const key = draftKey(context, { plural: 'virtualservices', namespace: ns, name });
  let saved: EditState<KubeObject> | undefined;
  try {
    saved = loadEdit<KubeObject>(window.localStorage.getItem(key))?.state;
  } catch {
    saved = undefined;
  }
  const start = saved?.base && isDirty(saved) ? saved : { base: live, draft: live };
  const draft = withNewRoute(start.draft as never, t) as unknown as KubeObject;
  const err = store(key, { base: start.base, draft });
  return err ? { error: err } : { href: `${editorHref('virtualservices', ns, name)}?fix=${encodeURIComponent(`new route to ${label} at the top`)}` };
}
