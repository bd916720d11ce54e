'use client';
/**
 * Live request rates per topology node, for the overview graph: one subscription to the
 * `traffic/10` topic (10-second window) while any node shows a rate, and a per-node store so that
 * a tick re-renders only the nodes whose numbers changed (the React Flow node array is untouched).
 */
import { useEffect, type RefObject } from 'react';
import type { RateStats } from '@/lib/traffic/window';
import { keyedTopicStore } from '@/components/data/keyed-topic-store';

export interface NodeRate {
  rps: number;
  errorPct: number;
  p95?: number;
}

const TOPIC = 'traffic/10';
const rates = new Map<string, NodeRate>();
const store = keyedTopicStore({
  topic: TOPIC,
  onSnapshot: (data) => apply(((data as { nodes?: Record<string, RateStats> }).nodes ?? {}) as Record<string, RateStats>),
  onIdle: () => rates.clear(),
});

function apply(nodes: Record<string, RateStats>): void {
  const changed: string[] = [];
  for (const [id, s] of Object.entries(nodes)) {
    const cur = rates.get(id);
    if (!cur || cur.rps !== s.rps || cur.errorPct !== s.errorPct || cur.p95 !== s.p95) {
      rates.set(id, { rps: s.rps, errorPct: s.errorPct, ...(s.p95 !== undefined ? { p95: s.p95 } : {}) });
      changed.push(id);
    }
  }
  for (const id of [...rates.keys()]) {
    if (!(id in nodes)) {
      rates.delete(id);
      changed.push(id);
    }
  }
  store.notify(changed);
}

/** Feeds numbers into the store as a `traffic/10` snapshot would (the browser benchmark's tick). */
export const applyNodeRates = apply;

/**
 * One node's live rate, painted by `paint` straight into the DOM on every change (no React render per
 * tick: a tick that changes hundreds of badges only touches their text).
 */
export function useNodeRatePaint<E extends HTMLElement>(id: string, ref: RefObject<E | null>, paint: (el: E, r: NodeRate | undefined) => void): void {
  useEffect(() => {
    const draw = () => {
      if (ref.current) paint(ref.current, rates.get(id));
    };
    draw();
    return store.subscribe(id, draw);
  }, [id, ref, paint]);
}
