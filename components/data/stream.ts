'use client';
/**
 * One WebSocket per tab, multiplexed by topic: subscribe, reconnect with backoff, resubscribe
 * (a fresh snapshot arrives for each topic, so a gap never leaves a stale view), and drop any
 * message older than the newest version already applied for its topic.
 */
import type { ClientMessage, ServerMessage } from '@/lib/stream/protocol';

type Listener = (msg: Extract<ServerMessage, { topic?: string }>) => void;
export type ConnectionState = { status: 'connecting' | 'open' | 'closed'; since: number; context?: string; mode?: string };

export class StreamClient {
  private ws?: WebSocket;
  /** Per topic: its listeners, the newest version applied, and the newest snapshot (for late subscribers). */
  private readonly topics = new Map<string, { params?: Record<string, unknown>; listeners: Set<Listener>; version: number; last?: Extract<ServerMessage, { type: 'snapshot' }> }>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private attempt = 0;
  private closed = false;
  private timer?: ReturnType<typeof setTimeout>;
  state: ConnectionState = { status: 'connecting', since: Date.now() };

  constructor(private readonly url: string) {}

  start(): void {
    this.closed = false;
    this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  onState(fn: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(fn);
    fn(this.state);
    return () => this.stateListeners.delete(fn);
  }

  subscribe(topic: string, listener: Listener, params?: Record<string, unknown>): () => void {
    let t = this.topics.get(topic);
    if (!t) {
      t = { params, listeners: new Set(), version: -1 };
      this.topics.set(topic, t);
      this.send({ type: 'subscribe', topic, params });
    }
    t.listeners.add(listener);
    // A component that subscribes after the topic's snapshot arrived gets it too (the topic is
    // shared per tab: the server sends the snapshot once, to the first subscriber's subscribe).
    const entry = t;
    if (entry.last) {
      queueMicrotask(() => {
        if (entry.last && entry.listeners.has(listener) && this.topics.get(topic) === entry) listener(entry.last);
      });
    }
    return () => {
      const cur = this.topics.get(topic);
      if (!cur) return;
      cur.listeners.delete(listener);
      if (cur.listeners.size === 0) {
        this.topics.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      }
    };
  }

  private setState(s: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...s };
    for (const fn of this.stateListeners) fn(this.state);
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState({ status: 'open', since: Date.now() });
      for (const [topic, t] of this.topics) {
        t.version = -1; // a fresh snapshot follows
        this.send({ type: 'subscribe', topic, params: t.params });
      }
    };
    ws.onmessage = (e) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (msg.type === 'hello') return this.setState({ context: msg.context, mode: msg.mode });
      if (!('topic' in msg) || !msg.topic) return;
      const t = this.topics.get(msg.topic);
      if (!t) return;
      if (msg.type === 'snapshot' || msg.type === 'event') {
        if (msg.version < t.version) return; // never go back in time
        t.version = msg.version;
        if (msg.type === 'snapshot') t.last = msg;
      }
      for (const l of t.listeners) l(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.setState({ status: 'closed', since: this.state.status === 'closed' ? this.state.since : Date.now() });
      if (this.closed) return;
      const delay = Math.min(10_000, 500 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

let client: StreamClient | undefined;
export function getStreamClient(): StreamClient {
  if (!client) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    client = new StreamClient(`${proto}//${location.host}/api/stream`);
    client.start();
  }
  return client;
}
