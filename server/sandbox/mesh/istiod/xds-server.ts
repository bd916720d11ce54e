/**
 * The istiod stand-in's discovery server: the `XdsServer` gateway proxies connect to
 * (SandboxServices key `xds`).
 *
 * As pilot does: it watches the config that shapes a gateway (Gateways, VirtualServices,
 * DestinationRules, Services, Endpoints/EndpointSlices, the proxies' own Pods, Secrets, the mesh
 * ConfigMap), debounces changes (100 ms quiet period, at most 10 s: PILOT_DEBOUNCE_AFTER /
 * PILOT_DEBOUNCE_MAX), then computes each proxy's Envoy resources and pushes them with a new push
 * version (`<RFC 3339>/<counter>`) and one nonce per type (`<version><uuid>`, pilot's nonce()).
 * Per proxy and watched type it remembers the nonce sent, the nonce ACKed and the last NACK
 * (what `/debug/syncz` reports). A proxy's first push happens right when it connects.
 *
 * Pushes happen only while an istiod container runs (`attach()`): with istiod scaled to zero the
 * gateways keep their last config and new ones stay unconfigured, as on a cluster. When an istiod
 * starts after none ran, every proxy "reconnects": new connection ids, fresh state, a full push.
 *
 * Watched types follow Envoy's subscriptions: CDS and LDS from the start; EDS once a cluster uses
 * EDS, RDS once a listener names a route configuration, SDS once a secret is needed. A push NACKed
 * for one type leaves the proxy on its previous configuration for every type (the sandbox proxy
 * applies a push atomically), so the other types stay un-ACKed: STALE, next to the NACKed type's
 * ERROR — what the proxy really runs.
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoreEvent, StoredObject, Watcher } from '../../api/store';
import { compileGatewayConfig } from '../envoy/compile/index';
import { ISTIO_VERSION } from '../envoy/constants';
import type { EnvoyResources, XdsAck, XdsProxy, XdsPush, XdsServer, XdsType } from '../xds';
import { formatRFC3339, nowGoTime } from './go-format';
import { IstiodMetrics } from './metrics';
import type { ProxySyncState, WatchedTypeStatus } from './syncz';

export type CompileFn = (store: Store, proxyPod: StoredObject) => EnvoyResources & { diagnostics?: Array<{ level: string; message: string }> };

export interface IstiodXdsOptions {
  /** The API objects istiod reads (bound later with bind() when not known yet). */
  store?: Store;
  /** Quiet period before a push (PILOT_DEBOUNCE_AFTER), ms. Default 100. */
  debounceMs?: number;
  /** Longest a push may be delayed by a stream of changes (PILOT_DEBOUNCE_MAX), ms. Default 10 000. */
  debounceMaxMs?: number;
  /** Config generation for one proxy (default: the gateway compiler). */
  compile?: CompileFn;
  clusterId?: string;
}

/** What one running istiod container gives the discovery server. */
export interface IstiodInstance {
  /** Where istiod's own log lines go (the container log). */
  log(line: string): void;
}

interface Connection {
  conId: string;
  proxy: XdsProxy;
  watched: Map<XdsType, WatchedTypeStatus>;
  connectedAt: Date;
  /** True once the current istiod generation pushed to it. */
  pushed: boolean;
}

export interface PushRecord {
  version: string;
  conId: string;
  proxy: string;
  reason: string;
  ack: XdsAck;
  at: Date;
}

const CONFIG_RESOURCES: Record<string, string> = {
  'networking.istio.io/gateways': 'Gateway',
  'networking.istio.io/virtualservices': 'VirtualService',
  'networking.istio.io/destinationrules': 'DestinationRule',
  'networking.istio.io/serviceentries': 'ServiceEntry',
  'networking.istio.io/sidecars': 'Sidecar',
  'core/services': 'ServiceEntry',
};
const ENDPOINT_RESOURCES = new Set(['core/endpoints', 'discovery.k8s.io/endpointslices']);
const MESH_CONFIGMAP = { namespace: 'istio-system', name: 'istio' };

/** Istio's log line format: `<RFC 3339 µs>\t<level>\t<scope>\t<message>`. */
export function istioLogLine(level: 'info' | 'warn' | 'error' | 'debug', scope: string, msg: string, at = new Date()): string {
  const ts = at.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}Z`);
  return `${ts}\t${level}\t${scope}\t${msg}`;
}

const defaultCompile: CompileFn = (store, proxyPod) => compileGatewayConfig({ store, proxyPod });

export class IstiodXdsServer implements XdsServer {
  readonly metrics = new IstiodMetrics();
  /** The last pushes (newest last, bounded), for logs and tests. */
  readonly pushLog: PushRecord[] = [];
  private store?: Store;
  private watcher?: Watcher;
  private readonly conns = new Map<string, Connection>();
  private readonly instances = new Set<IstiodInstance>();
  private readonly debounceMs: number;
  private readonly debounceMaxMs: number;
  private readonly compile: CompileFn;
  private readonly clusterId: string;
  private conSeq = 0;
  private versionSeq = 0;
  private currentVersion?: string;
  private lastPushAt = 0;
  private timer?: NodeJS.Timeout;
  private firstEventAt = 0;
  private lastEventAt = 0;
  private readonly pendingReasons = new Map<string, number>();
  private readonly pendingTriggers = new Set<string>();
  /** Labels+annotations per pod, to ignore pod status churn. */
  private readonly podSignatures = new Map<string, string>();
  private closed = false;
  private readonly pushListeners = new Set<(r: PushRecord) => void>();

  constructor(opts: IstiodXdsOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 100;
    this.debounceMaxMs = opts.debounceMaxMs ?? 10_000;
    this.compile = opts.compile ?? defaultCompile;
    this.clusterId = opts.clusterId ?? 'Kubernetes';
    this.metrics.set('pilot_xds', { version: ISTIO_VERSION }, 0);
    if (opts.store) this.bind(opts.store);
  }

  /** Start reading a store (idempotent for the same store). */
  bind(store: Store): void {
    if (this.store === store) return;
    if (this.store) throw new Error('the istiod stand-in is already bound to another store');
    this.store = store;
    for (const p of store.peek('core/pods')) this.podSignatures.set(podKey(p), podSignature(p));
    this.watcher = store.subscribe('*', (ev) => this.onStoreEvent(ev));
  }

  get active(): boolean {
    return this.instances.size > 0 && !!this.store && !this.closed;
  }

  /** An istiod container started: it serves pushes until detach(). */
  attach(instance: IstiodInstance, store?: Store): { detach(): void } {
    if (store) this.bind(store);
    const wasActive = this.active;
    this.instances.add(instance);
    if (!wasActive && this.active) {
      // A fresh istiod: every proxy connects to it anew and gets a full push.
      for (const c of [...this.conns.values()]) {
        this.conns.delete(c.conId);
        const fresh = this.newConnection(c.proxy, c.connectedAt);
        this.log('info', 'ads', `ADS: new connection for node:${fresh.conId}`);
      }
      setImmediate(() => this.pushUnpushed('istiod started'));
    }
    return {
      detach: () => {
        this.instances.delete(instance);
      },
    };
  }

  connect(proxy: XdsProxy): { disconnect(): void } {
    const conn = this.newConnection(proxy, new Date());
    this.metrics.set('pilot_xds', { version: ISTIO_VERSION }, this.conns.size);
    if (this.active) {
      this.log('info', 'ads', `ADS: new connection for node:${conn.conId}`);
      setImmediate(() => this.pushUnpushed('proxy connected'));
    }
    let done = false;
    return {
      disconnect: () => {
        if (done) return;
        done = true;
        for (const [id, c] of this.conns) {
          if (c.proxy !== proxy) continue;
          this.conns.delete(id);
          if (this.active) this.log('info', 'ads', `ADS: "${podIPOf(proxy.pod)}" ${id} terminated`);
        }
        this.metrics.set('pilot_xds', { version: ISTIO_VERSION }, this.conns.size);
      },
    };
  }

  /** Sync state of every connected proxy (what /debug/syncz prints). */
  syncState(): ProxySyncState[] {
    return [...this.conns.values()].map((c) => ({
      conId: c.conId,
      clusterId: this.clusterId,
      proxy: c.proxy.id,
      namespace: c.proxy.pod.metadata.namespace ?? 'default',
      proxyType: c.proxy.proxyType,
      istioVersion: ISTIO_VERSION,
      watched: new Map([...c.watched].map(([t, w]) => [t, { ...w }])),
    }));
  }

  /** Called after every push with its record (tests, logs). Returns an unsubscribe function. */
  onPush(fn: (r: PushRecord) => void): () => void {
    this.pushListeners.add(fn);
    return () => this.pushListeners.delete(fn);
  }

  /** Push now whatever is waiting in the debounce (tests). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.fireDebounced(true);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.stop();
    this.instances.clear();
  }

  // ---- change intake and debounce ----

  private onStoreEvent(ev: StoreEvent): void {
    if (this.closed) return;
    const o = ev.object;
    const ref = `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
    let trigger: string | undefined;
    let reason: string | undefined;
    if (CONFIG_RESOURCES[ev.resource]) {
      trigger = ev.resource === 'core/services' ? 'service' : 'config';
      reason = `${CONFIG_RESOURCES[ev.resource]}:${ref}`;
    } else if (ENDPOINT_RESOURCES.has(ev.resource)) {
      trigger = 'endpoint';
      reason = `ServiceEntry:${ref}`;
    } else if (ev.resource === 'core/secrets') {
      trigger = 'secret';
      reason = `Secret:${ref}`;
    } else if (ev.resource === 'core/configmaps') {
      if (o.metadata.namespace !== MESH_CONFIGMAP.namespace || o.metadata.name !== MESH_CONFIGMAP.name) return;
      trigger = 'global';
      reason = `MeshConfig:${ref}`;
    } else if (ev.resource === 'core/pods') {
      const key = podKey(o);
      const sig = podSignature(o);
      if (ev.type === 'DELETED') this.podSignatures.delete(key);
      else {
        const before = this.podSignatures.get(key);
        this.podSignatures.set(key, sig);
        if (ev.type === 'MODIFIED' && before === sig) return;
      }
      trigger = 'proxy';
      reason = `Pod:${ref}`;
    } else {
      return;
    }
    this.metrics.inc('pilot_push_triggers', { type: trigger });
    this.pendingTriggers.add(trigger);
    this.pendingReasons.set(reason, (this.pendingReasons.get(reason) ?? 0) + 1);
    const now = Date.now();
    if (!this.timer) this.firstEventAt = now;
    this.lastEventAt = now;
    this.timer ??= setTimeout(() => this.fireDebounced(false), this.debounceMs);
  }

  private fireDebounced(force: boolean): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = Date.now();
    const quiet = now - this.lastEventAt;
    const waited = now - this.firstEventAt;
    if (!force && quiet < this.debounceMs && waited < this.debounceMaxMs) {
      this.timer = setTimeout(() => this.fireDebounced(false), Math.max(1, this.debounceMs - quiet));
      return;
    }
    const reasons = [...this.pendingReasons.keys()];
    const events = [...this.pendingReasons.values()].reduce((a, b) => a + b, 0);
    this.pendingReasons.clear();
    this.pendingTriggers.clear();
    if (!this.active) return; // no istiod running: nothing is pushed (the next istiod pushes everything)
    const sinceLastPush = this.lastPushAt ? `${(now - this.lastPushAt).toFixed(1)}ms` : 'never';
    const head = reasons[0] ?? 'unknown';
    const more = reasons.length > 1 ? ` and ${reasons.length - 1} more configs` : '';
    this.log('info', 'ads', `Push debounce stable[${this.versionSeq + 1}] ${events} for config ${head}${more}: ${quiet.toFixed(1)}ms since last change, ${sinceLastPush} since last push, full=true`);
    this.pushAll(reasons.join(', ') || 'debounce');
  }

  // ---- pushes ----

  private newVersion(): string {
    this.currentVersion = `${formatRFC3339(new Date())}/${++this.versionSeq}`;
    return this.currentVersion;
  }

  private newConnection(proxy: XdsProxy, connectedAt: Date): Connection {
    const conId = `${proxy.id}-${++this.conSeq}`;
    const watched = new Map<XdsType, WatchedTypeStatus>();
    for (const t of ['CDS', 'LDS'] as XdsType[]) if (proxy.watchedTypes.includes(t)) watched.set(t, {});
    const conn: Connection = { conId, proxy, watched, connectedAt, pushed: false };
    this.conns.set(conId, conn);
    return conn;
  }

  private pushAll(reason: string): void {
    if (!this.active) return;
    const version = this.newVersion();
    this.lastPushAt = Date.now();
    for (const c of [...this.conns.values()]) this.pushTo(c, version, reason);
  }

  /** Initial pushes: connections the current istiod has not pushed to yet. */
  private pushUnpushed(reason: string): void {
    if (!this.active) return;
    const todo = [...this.conns.values()].filter((c) => !c.pushed);
    if (todo.length === 0) return;
    const version = this.currentVersion ?? this.newVersion();
    this.lastPushAt = Date.now();
    for (const c of todo) this.pushTo(c, version, reason);
  }

  private pushTo(conn: Connection, version: string, reason: string): void {
    if (this.conns.get(conn.conId) !== conn || !this.store) return;
    const store = this.store;
    const proxy = conn.proxy;
    const m = proxy.pod.metadata;
    const pod = store.get('core/pods', m.namespace, m.name) ?? proxy.pod;
    let compiled: ReturnType<CompileFn>;
    try {
      compiled = this.compile(store, pod);
    } catch (err) {
      this.metrics.inc('pilot_total_xds_internal_errors', {});
      this.log('error', 'ads', `Failed to generate config for ${proxy.id}: ${(err as Error).message}`);
      return;
    }
    for (const d of compiled.diagnostics ?? []) {
      if (d.level === 'error') this.log('warn', 'model', `${proxy.id}: ${d.message}`);
    }
    const resources: EnvoyResources = { listeners: compiled.listeners, routes: compiled.routes, clusters: compiled.clusters, endpoints: compiled.endpoints, secrets: compiled.secrets };
    // Envoy subscribes to EDS/RDS/SDS once the config it holds refers to them.
    const subscribe = (t: XdsType, needed: boolean) => {
      if (needed && proxy.watchedTypes.includes(t) && !conn.watched.has(t)) conn.watched.set(t, {});
    };
    subscribe('EDS', resources.endpoints.length > 0 || resources.clusters.some((c) => (c as { type?: string }).type === 'EDS'));
    subscribe('RDS', resources.routes.length > 0);
    subscribe('SDS', resources.secrets.length > 0);
    const nonces = Object.fromEntries((['CDS', 'EDS', 'LDS', 'RDS', 'SDS', 'ECDS'] as XdsType[]).map((t) => [t, `${version}${randomUUID()}`])) as Record<XdsType, string>;
    const sentTime = nowGoTime();
    const sent = [...conn.watched.keys()];
    for (const t of sent) {
      const w = conn.watched.get(t)!;
      w.sent = nonces[t];
      w.sentTime = sentTime;
      this.metrics.inc('pilot_xds_pushes', { type: t.toLowerCase() });
    }
    conn.pushed = true;
    const push: XdsPush = { version, nonces, resources, reason };
    let ack: XdsAck;
    try {
      ack = proxy.push(push);
    } catch (err) {
      ack = { ok: false, type: 'LDS', error: (err as Error).message };
    }
    if (this.conns.get(conn.conId) !== conn) return; // disconnected while pushing
    if (ack.ok) {
      for (const t of sent) {
        const w = conn.watched.get(t)!;
        w.acked = w.sent;
        delete w.lastError;
      }
      const counts = `resources:${resources.clusters.length} clusters, ${resources.listeners.length} listeners, ${resources.routes.length} routes`;
      this.log('info', 'ads', `Push ${version} to node:${proxy.id} (${counts}): ACK`);
    } else {
      const w = conn.watched.get(ack.type) ?? {};
      conn.watched.set(ack.type, w);
      w.lastError = ack.error;
      this.metrics.inc('pilot_total_xds_rejects', { type: ack.type.toLowerCase() });
      this.metrics.inc(`pilot_xds_${ack.type.toLowerCase()}_reject`, {});
      this.log('warn', 'ads', `ADS:${ack.type}: ACK ERROR ${conn.conId} Internal:${ack.error}`);
    }
    const rec: PushRecord = { version, conId: conn.conId, proxy: proxy.id, reason, ack, at: new Date() };
    this.pushLog.push(rec);
    if (this.pushLog.length > 500) this.pushLog.shift();
    for (const fn of this.pushListeners) {
      try {
        fn(rec);
      } catch {
        // a listener's failure is not istiod's
      }
    }
  }

  private log(level: 'info' | 'warn' | 'error', scope: string, msg: string): void {
    const line = istioLogLine(level, scope, msg);
    for (const i of this.instances) i.log(line);
  }
}

function podKey(o: StoredObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function podSignature(o: StoredObject): string {
  return JSON.stringify([o.metadata.labels ?? {}, o.metadata.annotations ?? {}]);
}

function podIPOf(pod: StoredObject): string {
  return (pod['status'] as { podIP?: string } | undefined)?.podIP ?? '';
}
