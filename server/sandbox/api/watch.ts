/**
 * Watches: newline-delimited JSON events over a chunked 200 response.
 *
 * - resourceVersion unset or "0": synthetic ADDED for every existing object, then live events;
 *   an exact resourceVersion replays history after it; a too-old one answers 200 and then a single
 *   ERROR event carrying a 410 Expired Status, and closes (as kube-apiserver's cacher does).
 * - allowWatchBookmarks: a BOOKMARK every `bookmarkIntervalMs` and one just before timeoutSeconds
 *   ends the stream; sendInitialEvents=true ends the initial state with the
 *   `k8s.io/initial-events-end` bookmark.
 * - Label/field selectors turn MODIFIED into ADDED/DELETED when an object enters or leaves the set.
 * - Serialized lines are cached per store event and representation, so N watchers of one resource
 *   cost one JSON.stringify per event, not N.
 * - Slow consumers (more than `maxBufferedBytes` unsent) are disconnected, as the apiserver does.
 */
import { negotiate, type Representation } from './negotiate';
import { matches, parseFilter, type Filter } from './read';
import { asVersion, type Scope } from './request';
import { errors, status } from './status';
import { StoreError, type StoreEvent, type StoredObject } from './store';
import { parseIncludeObject, rowFor, tableHead, type IncludeObject } from './table';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const lineCache = new WeakMap<object, Map<string, string>>();

const MAX_BUFFERED = 32 * 1024 * 1024;

interface Encoder {
  key: string;
  encode(type: EventType, o: StoredObject): string;
}

function encoder(s: Scope, rep: Representation): Encoder {
  if (rep.kind === 'table') {
    const include: IncludeObject = parseIncludeObject(s.query.get('includeObject'));
    return {
      key: `table|${rep.version}|${include}|${s.apiVersion}`,
      encode: (type, o) => {
        const obj = asVersion(o, s.apiVersion);
        const t = tableHead(s.def, s.version, rep.version, { resourceVersion: o.metadata.resourceVersion ?? '' });
        t['rows'] = [rowFor(s.def, s.version, obj, include, rep.version, s.cfg.now())];
        return `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
      },
    };
  }
  return {
    key: `json|${s.apiVersion}`,
    encode: (type, o) => `{"type":"${type}","object":${JSON.stringify(asVersion(o, s.apiVersion))}}\n`,
  };
}

function cachedLine(holder: object, enc: Encoder, type: EventType, o: StoredObject): string {
  let m = lineCache.get(holder);
  if (!m) lineCache.set(holder, (m = new Map()));
  const k = `${type}|${enc.key}`;
  let line = m.get(k);
  if (line === undefined) {
    line = enc.encode(type, o);
    m.set(k, line);
  }
  return line;
}

export function handleWatch(s: Scope): void {
  const rep = negotiate(s.req.headers.accept, { resource: true, watch: true });
  const filter: Filter = parseFilter(s);
  const enc = encoder(s, rep);
  const store = s.cfg.store;
  const res = s.res;
  const rvParam = s.query.get('resourceVersion') ?? '';
  const bookmarks = s.query.get('allowWatchBookmarks') === 'true' || s.query.get('allowWatchBookmarks') === '1';
  const sendInitial = s.query.get('sendInitialEvents') === 'true';
  const timeoutParam = Number(s.query.get('timeoutSeconds') ?? '');
  const timeoutSeconds = Number.isFinite(timeoutParam) && timeoutParam > 0 ? timeoutParam : s.cfg.defaultWatchTimeoutSeconds;
  let fromRV: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    fromRV = Number(rvParam);
    if (!Number.isInteger(fromRV) || fromRV < 0) {
      throw errors.badRequest(`invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rvParam)}: invalid syntax`);
    }
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.socket?.setNoDelay(true);
  res.flushHeaders();

  let closed = false;
  const selective = !!(filter.labels || filter.fields);
  const inSet = new Set<string>();
  const key = (o: StoredObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const bookmarkObj = (rv: number, initialEnd = false) => {
    const base = { kind: s.def.kind, apiVersion: s.apiVersion, metadata: { resourceVersion: String(rv), creationTimestamp: null as null, ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) } };
    if (rep.kind === 'table') {
      const t = tableHead(s.def, s.version, rep.version, { resourceVersion: String(rv) }, false);
      t['rows'] = [];
      return t;
    }
    return base;
  };

  const write = (line: string) => {
    if (closed || handle.stalled) return;
    res.write(line);
    if (res.writableLength > MAX_BUFFERED) close();
  };

  const deliver = (holder: object, type: EventType, o: StoredObject) => {
    if (!selective && filter.namespace === undefined) return write(cachedLine(holder, enc, type, o));
    if (filter.namespace !== undefined && o.metadata.namespace !== filter.namespace) return;
    if (!selective) return write(cachedLine(holder, enc, type, o));
    const k = key(o);
    const now = type !== 'DELETED' && matches(s, filter, o);
    const was = inSet.has(k);
    if (now) {
      inSet.add(k);
      write(cachedLine(holder, enc, was ? (type === 'ADDED' ? 'ADDED' : 'MODIFIED') : 'ADDED', o));
    } else if (was || (type === 'DELETED' && matches(s, filter, o))) {
      inSet.delete(k);
      write(cachedLine(holder, enc, 'DELETED', o));
    }
  };

  const onEvent = (ev: StoreEvent) => deliver(ev, ev.type, ev.object);

  // Everything below runs synchronously with the store, so no event can slip between the
  // snapshot and the subscription.
  const sub = store.subscribe(s.def.key, onEvent);
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const timeoutTimer = setTimeout(() => {
    if (handle.stalled) return; // a half-open connection: no bytes, no FIN
    if (bookmarks) write(`{"type":"BOOKMARK","object":${JSON.stringify(bookmarkObj(store.resourceVersion))}}\n`);
    close();
  }, timeoutSeconds * 1000);
  const handle: { close(): void; stalled?: boolean } = { close };
  s.cfg.watches.add(handle);

  function close(): void {
    if (closed) return;
    closed = true;
    sub.stop();
    clearTimeout(timeoutTimer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    s.cfg.watches.delete(handle);
    if (!res.writableEnded) res.end();
  }
  res.on('close', close);
  s.req.on('close', () => {
    if (!res.writableFinished) close();
  });

  if (fromRV === undefined) {
    // Get State and Start at Most Recent / Any: synthetic ADDED for what exists now.
    const items = [...store.peek(s.def.key)].filter((o) => matches(s, filter, o));
    items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (const o of items) {
      if (selective) inSet.add(key(o));
      write(cachedLine(o, enc, 'ADDED', o));
    }
    if (sendInitial && bookmarks) write(`{"type":"BOOKMARK","object":${JSON.stringify(bookmarkObj(store.resourceVersion, true))}}\n`);
  } else {
    let events: StoreEvent[];
    try {
      events = store.eventsSince(s.def.key, fromRV);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      const st = /Too large resource version/.test(e.message)
        ? status(504, 'Timeout', e.message, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 })
        : status(410, 'Expired', e.message);
      write(`{"type":"ERROR","object":${JSON.stringify(st)}}\n`);
      close();
      return;
    }
    if (selective) {
      // Objects that matched at fromRV are approximated by what matches now and existed then.
      for (const o of store.peek(s.def.key)) if (Number(o.metadata.resourceVersion) <= fromRV && matches(s, filter, o)) inSet.add(key(o));
    }
    for (const ev of events) deliver(ev, ev.type, ev.object);
  }

  if (bookmarks) {
    bookmarkTimer = setInterval(() => write(`{"type":"BOOKMARK","object":${JSON.stringify(bookmarkObj(store.resourceVersion))}}\n`), s.cfg.bookmarkIntervalMs);
    bookmarkTimer.unref?.();
  }
}
