/**
 * The WebSocket hub: topic providers publish, clients subscribe. One bounded queue per client:
 * when a client stops reading (its socket buffer grows past the limit), droppable messages
 * (log lines) are counted and dropped, and snapshot-style topics keep only their latest state, so a
 * slow client never grows the server's memory or slows other clients. Incoming messages are
 * size-limited (by the ws server, close 1009) and rate-limited here (close 1008), and a client
 * holds a bounded number of subscriptions.
 *
 * With --auth each client carries its viewer: `authorize` decides per topic whether that user may
 * subscribe and may narrow what they receive (a filter over the topic's data), and the socket is
 * closed (1008, "session expired") when the session ends.
 */
import type { WebSocket } from 'ws';
import { parseClientMessage, type ServerMessage } from '../../lib/stream/protocol';

export interface TopicSink {
  /** Send a full state; replaces any unsent snapshot of the same topic for a slow client. */
  snapshot(version: number, data: unknown): void;
  /** Send an incremental message; dropped (and counted) when the client is too slow. */
  event(version: number, data: unknown): void;
  error(message: string): void;
}

export interface TopicProvider {
  /** Start feeding `sink`; return the function that stops it. Throw to refuse the subscription. */
  subscribe(params: Record<string, unknown> | undefined, sink: TopicSink, topic: string): () => void;
}

/** What a client may receive of a topic: everything, or the data passed through `filter`, from `provider` when set (another context's). */
export interface TopicGrant {
  filter?: (data: unknown) => unknown;
  provider?: TopicProvider;
}

/** The client's identity, from the handshake (opaque to the hub). */
export interface ClientSession {
  viewer?: unknown;
  /** The kubeconfig context the client selected, when not the console's own. */
  context?: string;
  /** ms since the epoch; the socket closes then. */
  expiresAt?: number;
}

export interface HubOptions {
  /** Socket buffer above which the client counts as slow (bytes). */
  maxBufferedBytes?: number;
  /** Incoming messages allowed per second per client before the socket is closed (1008). */
  maxMessagesPerSecond?: number;
  /** Subscriptions one client may hold at once (default 64). */
  maxSubscriptions?: number;
  /** Per-topic authorization; throw (or reject) to refuse the subscription with that message. */
  authorize?: (session: ClientSession | undefined, topic: string) => TopicGrant | Promise<TopicGrant>;
  context: string;
  mode: 'sandbox' | 'cluster';
}

interface ClientState {
  ws: WebSocket;
  subs: Map<string, () => void>;
  pendingSnapshots: Map<string, string>;
  dropped: Map<string, number>;
  windowStart: number;
  windowCount: number;
  flushTimer?: NodeJS.Timeout;
  session?: ClientSession;
  /** Subscriptions waiting for `authorize`: the latest request per topic wins. */
  authorizing: Map<string, object>;
  expiryTimer?: NodeJS.Timeout;
}

export class Hub {
  private readonly providers = new Map<string, TopicProvider>();
  private readonly clients = new Set<ClientState>();
  private readonly maxBuffered: number;
  private readonly maxRate: number;
  private readonly maxSubs: number;

  constructor(private readonly opts: HubOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.maxRate = opts.maxMessagesPerSecond ?? 50;
    this.maxSubs = opts.maxSubscriptions ?? 64;
  }

  /** Register a provider for a topic name or a prefix ending in '/' (e.g. 'resources/'). */
  register(topic: string, provider: TopicProvider): void {
    this.providers.set(topic, provider);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The provider of a topic: its exact name, else its prefix (`resources/` for `resources/pods`). */
  provider(topic: string): TopicProvider | undefined {
    const exact = this.providers.get(topic);
    if (exact) return exact;
    const slash = topic.indexOf('/');
    return slash > 0 ? this.providers.get(topic.slice(0, slash + 1)) : undefined;
  }

  accept(ws: WebSocket, session?: ClientSession): void {
    const c: ClientState = { ws, subs: new Map(), pendingSnapshots: new Map(), dropped: new Map(), windowStart: Date.now(), windowCount: 0, session, authorizing: new Map() };
    this.clients.add(c);
    if (session?.expiresAt !== undefined) {
      // setTimeout's limit is ~24.8 days; sessions are capped far below that.
      c.expiryTimer = setTimeout(() => {
        c.ws.close(1008, 'session expired');
        this.drop(c);
      }, Math.max(0, Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1)));
    }
    this.send(c, { type: 'hello', context: this.opts.context, mode: this.opts.mode, serverTime: Date.now() });
    ws.on('message', (raw, isBinary) => this.onMessage(c, isBinary ? '' : raw.toString()));
    ws.on('close', () => this.drop(c));
    ws.on('error', () => this.drop(c));
  }

  close(): void {
    for (const c of [...this.clients]) {
      c.ws.terminate();
      this.drop(c);
    }
  }

  private drop(c: ClientState): void {
    if (!this.clients.delete(c)) return;
    for (const stop of c.subs.values()) stop();
    c.subs.clear();
    c.authorizing.clear();
    if (c.flushTimer) clearTimeout(c.flushTimer);
    if (c.expiryTimer) clearTimeout(c.expiryTimer);
  }

  private onMessage(c: ClientState, raw: string): void {
    const now = Date.now();
    if (now - c.windowStart >= 1000) {
      c.windowStart = now;
      c.windowCount = 0;
    }
    if (++c.windowCount > this.maxRate) {
      c.ws.close(1008, 'too many messages');
      this.drop(c);
      return;
    }
    const msg = parseClientMessage(raw);
    if ('error' in msg) return this.send(c, { type: 'error', message: msg.error });
    if (msg.type === 'ping') return this.send(c, { type: 'pong', t: msg.t });
    if (msg.type === 'unsubscribe') {
      c.subs.get(msg.topic)?.();
      c.subs.delete(msg.topic);
      c.authorizing.delete(msg.topic);
      return;
    }
    const provider = this.provider(msg.topic);
    if (!provider) return this.send(c, { type: 'error', topic: msg.topic, message: `unknown topic ${msg.topic}` });
    const topic = msg.topic;
    c.subs.get(topic)?.();
    c.subs.delete(topic);
    if (c.subs.size + c.authorizing.size >= this.maxSubs && !c.authorizing.has(topic)) {
      return this.send(c, { type: 'error', topic, message: `too many subscriptions (at most ${this.maxSubs})` });
    }
    const authorize = this.opts.authorize;
    if (!authorize) return this.start(c, provider, topic, msg.params, {});
    const ticket = {};
    c.authorizing.set(topic, ticket);
    const current = () => this.clients.has(c) && c.authorizing.get(topic) === ticket;
    Promise.resolve()
      .then(() => authorize(c.session, topic))
      .then(
        (grant) => {
          if (!current()) return;
          c.authorizing.delete(topic);
          this.start(c, grant.provider ?? provider, topic, msg.params, grant);
        },
        (err: unknown) => {
          if (!current()) return;
          c.authorizing.delete(topic);
          this.send(c, { type: 'error', topic, message: (err as Error).message });
        },
      );
  }

  private start(c: ClientState, provider: TopicProvider, topic: string, params: Record<string, unknown> | undefined, grant: TopicGrant): void {
    const filter = grant.filter ?? ((d: unknown) => d);
    const sink: TopicSink = {
      snapshot: (version, data) => this.sendSnapshot(c, topic, version, filter(data)),
      event: (version, data) => this.sendEvent(c, topic, version, filter(data)),
      error: (message) => this.send(c, { type: 'error', topic, message }),
    };
    try {
      c.subs.set(topic, provider.subscribe(params, sink, topic));
    } catch (err) {
      this.send(c, { type: 'error', topic, message: (err as Error).message });
    }
  }

  private slow(c: ClientState): boolean {
    return c.ws.bufferedAmount > this.maxBuffered;
  }

  private send(c: ClientState, msg: ServerMessage): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(JSON.stringify(msg));
  }

  private sendSnapshot(c: ClientState, topic: string, version: number, data: unknown): void {
    const text = JSON.stringify({ type: 'snapshot', topic, version, data } satisfies ServerMessage);
    if (this.slow(c)) {
      c.pendingSnapshots.set(topic, text); // keep only the newest state
      this.scheduleFlush(c);
      return;
    }
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  private sendEvent(c: ClientState, topic: string, version: number, data: unknown): void {
    if (this.slow(c)) {
      c.dropped.set(topic, (c.dropped.get(topic) ?? 0) + 1);
      this.scheduleFlush(c);
      return;
    }
    this.send(c, { type: 'event', topic, version, data });
  }

  /** When the client drains, tell it what it missed and send the latest snapshots. */
  private scheduleFlush(c: ClientState): void {
    if (c.flushTimer) return;
    const tick = () => {
      c.flushTimer = undefined;
      if (!this.clients.has(c)) return;
      if (this.slow(c)) {
        c.flushTimer = setTimeout(tick, 100);
        return;
      }
      for (const [topic, count] of c.dropped) this.send(c, { type: 'dropped', topic, count });
      c.dropped.clear();
      for (const text of c.pendingSnapshots.values()) c.ws.send(text);
      c.pendingSnapshots.clear();
    };
    c.flushTimer = setTimeout(tick, 100);
  }
}
