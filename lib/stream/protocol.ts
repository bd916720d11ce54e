/**
 * The console's WebSocket protocol (one socket per browser tab, multiplexed by topic).
 * Shared by the server hub and the browser client.
 *
 * Topics: `topology` (the request-path graph), `resources/<plural>`, `logs`, `traffic`, `sync`,
 * `cluster` (connection state of the cache). Every server message for a topic carries a version
 * that only grows, so a client never applies an older state after a newer one.
 */

export type ClientMessage =
  | { type: 'subscribe'; topic: string; params?: Record<string, unknown> }
  | { type: 'unsubscribe'; topic: string }
  | { type: 'ping'; t?: number };

export type ServerMessage =
  | { type: 'hello'; context: string; mode: 'sandbox' | 'cluster'; serverTime: number }
  /** Full state of a topic (first message after subscribe, and after a gap). */
  | { type: 'snapshot'; topic: string; version: number; data: unknown }
  /** Incremental data (log lines, events), in order. */
  | { type: 'event'; topic: string; version: number; data: unknown }
  /** The server dropped `count` messages of `topic` for this slow client; it may resubscribe. */
  | { type: 'dropped'; topic: string; count: number }
  | { type: 'error'; topic?: string; message: string }
  | { type: 'pong'; t?: number };

export const MAX_TOPIC_LENGTH = 200;

/** Parses and validates one client message; returns an error string for anything malformed. */
export function parseClientMessage(raw: string): ClientMessage | { error: string } {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { error: 'message is not JSON' };
  }
  if (!msg || typeof msg !== 'object') return { error: 'message must be an object' };
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'ping':
      return { type: 'ping', t: typeof m.t === 'number' ? m.t : undefined };
    case 'subscribe':
    case 'unsubscribe': {
      if (typeof m.topic !== 'string' || !m.topic || m.topic.length > MAX_TOPIC_LENGTH) return { error: 'topic must be a short string' };
      if (m.type === 'unsubscribe') return { type: 'unsubscribe', topic: m.topic };
      const params = m.params && typeof m.params === 'object' && !Array.isArray(m.params) ? (m.params as Record<string, unknown>) : undefined;
      return { type: 'subscribe', topic: m.topic, params };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)}` };
  }
}
