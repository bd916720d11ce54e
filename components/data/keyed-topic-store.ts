'use client';
/**
 * The subscription half of a per-key live store (components/graph/node-rates.ts, edge-rates.ts):
 * listeners per key, one stream subscription while any key is listened to, kept 2 s past the last
 * listener so quick re-mounts (filters, panning with only visible items rendered) do not resubscribe,
 * and `notify` to wake only the keys whose value changed.
 */
import type { ServerMessage } from '@/lib/stream/protocol';
import { getStreamClient } from './stream';

export interface KeyedTopicStore {
  /** For `useSyncExternalStore`: listen to one key. */
  subscribe(key: string, fn: () => void): () => void;
  /** Wakes the listeners of these keys. */
  notify(keys: Iterable<string>): void;
}

export function keyedTopicStore(opts: { topic: string; onSnapshot: (data: unknown) => void; onIdle: () => void; idleMs?: number }): KeyedTopicStore {
  const listeners = new Map<string, Set<() => void>>();
  let unsubscribe: (() => void) | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const ensureSubscribed = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (unsubscribe) return;
    unsubscribe = getStreamClient().subscribe(opts.topic, (msg: ServerMessage) => {
      if (msg.type === 'snapshot') opts.onSnapshot(msg.data);
    });
  };

  return {
    subscribe(key, fn) {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(fn);
      ensureSubscribed();
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(key);
        if (listeners.size === 0 && !idleTimer) {
          idleTimer = setTimeout(() => {
            idleTimer = undefined;
            if (listeners.size === 0) {
              unsubscribe?.();
              unsubscribe = undefined;
              opts.onIdle();
            }
          }, opts.idleMs ?? 2_000);
        }
      };
    },
    notify(keys) {
      for (const key of keys) for (const fn of listeners.get(key) ?? []) fn();
    },
  };
}
