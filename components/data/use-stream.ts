'use client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ServerMessage } from '@/lib/stream/protocol';
import { getStreamClient, type ConnectionState } from './stream';

/** Latest snapshot of a topic (undefined until the first one arrives). */
export function useTopicSnapshot<T>(topic: string, params?: Record<string, unknown>): { data: T | undefined; version: number; error?: string } {
  const [state, setState] = useState<{ data: T | undefined; version: number; error?: string }>({ data: undefined, version: -1 });
  const key = JSON.stringify(params ?? null);
  useEffect(() => {
    const client = getStreamClient();
    return client.subscribe(
      topic,
      (msg: ServerMessage) => {
        if (msg.type === 'snapshot') setState({ data: msg.data as T, version: msg.version });
        else if (msg.type === 'error') setState((s) => ({ ...s, error: msg.message }));
      },
      params,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [topic, key]);
  return state;
}

const serverSnapshot: ConnectionState = { status: 'connecting', since: 0 };

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (cb) => getStreamClient().onState(cb),
    () => getStreamClient().state,
    () => serverSnapshot,
  );
}
