'use client';
/**
 * Live request rates per topology node, for the overview graph: one subscription to the
 * `traffic/10` topic (10-second window) while any node shows a rate, and a per-node store so that
 * a tick re-renders only the nodes whose numbers changed (the React Flow node array is untouched).
 */
import { useSyncExternalStore } from 'react';
import type { ServerMessage } from '@/lib/stream/protocol';
import type { RateStats } from '@/lib/traffic/window';
import { getStreamClient } from '@/components/data/stream';

export interface NodeRate {
  rps: number;
  errorPct: number;
  p95?: number;
}

const TOPIC = 'traffic/10';
const rates = new Map<string, NodeRate>();
const listeners = new Map<string, Set<() => void>>();
let unsubscribe: (() => void) | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

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
  for (const id of changed) for (const fn of listeners.get(id) ?? []) fn();
}

/** Feeds numbers into the store as a `traffic/10` snapshot would (the browser benchmark's tick). */
export const applyNodeRates = apply;

function ensureSubscribed(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (unsubscribe) return;
  unsubscribe = getStreamClient().subscribe(TOPIC, (msg: ServerMessage) => {
    if (msg.type === 'snapshot') apply(((msg.data as { nodes?: Record<string, RateStats> }).nodes ?? {}) as Record<string, RateStats>);
  });
}

function subscribe(id: string, fn: () => void): () => void {
  let set = listeners.get(id);
  if (!set) listeners.set(id, (set = new Set()));
  set.add(fn);
  ensureSubscribed();
  return () => {
    set.delete(fn);
    if (set.size === 0) listeners.delete(id);
    if (listeners.size === 0 && !idleTimer) {
      // Keep the subscription across quick re-mounts (filters, layout changes).
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (listeners.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
          rates.clear();
        }
      }, 2_000);
    }
  };
}

/** The live rate of one node (undefined while no request reached it in the window). */
export function useNodeRate(id: string): NodeRate | undefined {
  return useSyncExternalStore(
    (fn) => subscribe(id, fn),
    () => rates.get(id),
    () => undefined,
  );
}
