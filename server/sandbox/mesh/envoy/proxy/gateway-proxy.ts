/**
 * GatewayProxyImpl: the `istio/proxyv2` container in router mode. It connects to the istiod
 * stand-in (ctx.services.xds) as an XdsProxy, validates and atomically applies pushes (a rejected
 * push is NACKed and the previous config keeps serving; the pod annotation
 * `sandbox.gatescope.dev/reject-config: "true"` rejects every push), routes traffic by exactly the
 * applied config on the pod IP, serves the Envoy admin API on the pod loopback :15000, Prometheus
 * stats on :15090 and readiness on :15021.
 */
import { createServer, type Server } from 'node:http';
import type { StoredObject } from '../../../api/store';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../../kubelet/container';
import type { XdsAck, XdsProxy, XdsPush, XdsServer, XdsType } from '../../xds';
import { AdminServer, type AdminRequestRecord, type AdminState } from '../admin/admin-server';
import { REJECT_CONFIG_ANNOTATION, RES, TYPE } from '../constants';
import type { Listener } from '../types';
import { ConfigRejected, validatePush } from './config-state';
import { ListenerManager } from './listeners';
import { nodeInfoFor, ProxyRuntime } from './runtime';
import { renderPrometheus } from './stats';

const TYPE_URL: Record<XdsType, string> = {
  CDS: TYPE.cluster,
  EDS: TYPE.clusterLoadAssignment,
  LDS: TYPE.listener,
  RDS: TYPE.routeConfiguration,
  SDS: TYPE.secret,
  ECDS: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
};

const XDS_STAT: Record<XdsType, string> = {
  CDS: 'cluster_manager.cds',
  EDS: 'cluster_manager.eds',
  LDS: 'listener_manager.lds',
  RDS: 'http.rds',
  SDS: 'sds',
  ECDS: 'extension_config_discovery',
};

export interface GatewayProxyOptions {
  /** Randomness for weighted clusters, fault percentages and load balancing (tests may seed it). */
  random?: () => number;
}

export class GatewayProxyImpl implements ContainerImpl {
  constructor(private readonly opts: GatewayProxyOptions = {}) {}

  async start(ctx: ContainerContext): Promise<RunningGatewayProxy> {
    const p = new RunningGatewayProxy(ctx, this.opts);
    await p.init();
    return p;
  }
}

export class RunningGatewayProxy implements RunningContainer, XdsProxy {
  readonly proxyType = 'router' as const;
  readonly watchedTypes: XdsType[] = ['CDS', 'EDS', 'LDS', 'RDS', 'SDS'];
  readonly rt: ProxyRuntime;
  readonly admin: AdminServer;
  readonly listeners: ListenerManager;
  /** Every ACK/NACK this proxy answered, newest last (for tests and logs). */
  readonly acks: Array<{ version: string; ack: XdsAck; at: Date }> = [];
  private readonly adminState: AdminState;
  private readonly statusServer: Server;
  private readonly promServer: Server;
  private xdsConn?: { disconnect(): void };
  private ready = false;
  private draining = false;
  private stopped = false;
  private reconcileChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ContainerContext,
    opts: GatewayProxyOptions,
  ) {
    const node = nodeInfoFor(ctx.pod, ctx.podIP);
    const podNetwork = ctx.services.podNetwork as { resolve?(ip: string, port: number): { host: string; port: number } } | undefined;
    const resolve = typeof podNetwork?.resolve === 'function' ? (ip: string, port: number) => podNetwork.resolve!(ip, port) : undefined;
    this.rt = new ProxyRuntime(node, (line) => ctx.log(line), opts.random ?? Math.random, resolve);
    this.listeners = new ListenerManager(this.rt, (server, port) => ctx.listen(server, port, 'pod'));
    const staticNames = [0, 1].map(() => crypto.randomUUID());
    this.adminState = {
      rt: this.rt,
      annotations: () => this.currentPod().metadata.annotations ?? {},
      state: () => (this.draining ? 'DRAINING' : this.rt.current ? 'LIVE' : 'PRE_INITIALIZING'),
      listenerErrors: new Map(),
      staticListenerNames: staticNames,
      healthCheckFailed: false,
      drain: () => this.drain(),
    };
    this.admin = new AdminServer(this.adminState);
    this.statusServer = createServer((req, res) => {
      req.resume();
      if ((req.url ?? '').split('?')[0] === '/healthz/ready') {
        const ok = this.ready && !this.adminState.healthCheckFailed;
        res.writeHead(ok ? 200 : 503, { 'content-length': ok ? '0' : undefined, date: new Date().toUTCString() } as Record<string, string>);
        res.end(ok ? undefined : `${this.notReadyReason()}\n`);
        return;
      }
      res.writeHead(404, { 'content-length': '0', server: 'envoy' });
      res.end();
    });
    this.promServer = createServer((req, res) => {
      req.resume();
      if ((req.url ?? '').startsWith('/stats/prometheus')) {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=UTF-8', server: 'envoy' });
        res.end(renderPrometheus(this.rt.stats));
        return;
      }
      res.writeHead(404, { 'content-length': '0', server: 'envoy' });
      res.end();
    });
    this.rt.stats.set('server.live', 0);
    this.rt.stats.set('server.state', 2);
  }

  /** pilot-agent's readiness message (pilot/cmd/pilot-agent/status/ready/probe.go). */
  private notReadyReason(): string {
    const c = (n: string) => this.rt.stats.counters.get(n)?.value ?? 0;
    const s = `cds updates: ${c('cluster_manager.cds.update_success')} successful, ${c('cluster_manager.cds.update_rejected')} rejected; lds updates: ${c('listener_manager.lds.update_success')} successful, ${c('listener_manager.lds.update_rejected')} rejected`;
    if (this.adminState.healthCheckFailed) return 'Envoy proxy is NOT ready: server is failing health checks';
    if (c('listener_manager.lds.update_success') === 0 && c('cluster_manager.cds.update_success') === 0) {
      if (c('listener_manager.lds.update_rejected') > 0 || c('cluster_manager.cds.update_rejected') > 0) return `Envoy proxy is NOT ready: config received from XDS server, but was rejected: ${s}`;
      return `Envoy proxy is NOT ready: config not received from XDS server (is Istiod running?): ${s}`;
    }
    return 'Envoy proxy is NOT ready: listeners are not up yet';
  }

  get id(): string {
    return `${this.ctx.pod.metadata.name}.${this.ctx.pod.metadata.namespace}`;
  }

  get pod(): StoredObject {
    return this.ctx.pod;
  }

  /** Admin API requests received so far (method and path), for tests checking that nothing mutated. */
  get adminRequests(): readonly AdminRequestRecord[] {
    return this.admin.requests;
  }

  get isReady(): boolean {
    return this.ready;
  }

  async init(): Promise<void> {
    this.ctx.setReady(false);
    await this.ctx.listen(this.admin.server, 15000, 'loopback');
    await this.ctx.listen(this.statusServer, 15021, 'pod');
    await this.ctx.listen(this.promServer, 15090, 'pod');
    this.ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    const xds = this.ctx.services.xds as XdsServer | undefined;
    if (xds && typeof xds.connect === 'function') this.xdsConn = xds.connect(this);
    else this.envoyLog('warning', 'config', 'no xDS server in this sandbox: the proxy will stay unconfigured');
  }

  private currentPod(): StoredObject {
    const m = this.ctx.pod.metadata;
    return this.ctx.store.get(RES.pods, m.namespace, m.name) ?? this.ctx.pod;
  }

  /** An Envoy log line in Istio's log format (`%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t`). */
  private envoyLog(level: string, logger: string, msg: string): void {
    const ts = new Date().toISOString().replace('Z', '000Z');
    this.ctx.log(`${ts}\t${level}\tenvoy ${logger} external/envoy/source/extensions/config_subscription/grpc/grpc_subscription_impl.cc:138\t${msg}\tthread=15`);
  }

  push(p: XdsPush): XdsAck {
    const ack = this.applyPush(p);
    this.acks.push({ version: p.version, ack, at: new Date() });
    if (this.acks.length > 200) this.acks.shift();
    return ack;
  }

  private applyPush(p: XdsPush): XdsAck {
    if (this.stopped) return { ok: false, type: 'LDS', error: 'proxy is shutting down' };
    const stats = this.rt.stats;
    for (const t of this.watchedTypes) stats.inc(`${XDS_STAT[t]}.update_attempt`);
    try {
      const pod = this.currentPod();
      if (pod.metadata.annotations?.[REJECT_CONFIG_ANNOTATION] === 'true') {
        const names = (p.resources.listeners as Listener[]).map((l) => l.name).join(',');
        throw new ConfigRejected('LDS', `Error adding/updating listener(s) ${names}: rejected by the sandbox fault switch (pod annotation ${REJECT_CONFIG_ANNOTATION}="true")`);
      }
      const applied = validatePush(p, { files: this.ctx.files, previous: this.rt.current, now: new Date() });
      this.rt.current = applied;
      this.adminState.listenerErrors.clear();
      const active = new Set<string>();
      for (const c of applied.clusters.values()) {
        for (const h of this.rt.hosts.hosts(c, applied.endpoints.get(c.eds_cluster_config?.service_name ?? c.name))) active.add(`${c.name}|${h.address}`);
      }
      this.rt.hosts.prune(active);
      this.rt.pools.prune(active);
      for (const t of this.watchedTypes) stats.inc(`${XDS_STAT[t]}.update_success`);
      stats.set('cluster_manager.active_clusters', applied.clusters.size + 4);
      stats.set('listener_manager.total_listeners_active', applied.listeners.size + 2);
      stats.set('server.live', 1);
      stats.set('server.state', 0);
      this.scheduleReconcile();
      return { ok: true };
    } catch (err) {
      const rej = err instanceof ConfigRejected ? err : new ConfigRejected('LDS', (err as Error).message);
      stats.inc(`${XDS_STAT[rej.type]}.update_rejected`);
      const now = new Date();
      for (const [name, details] of rej.listenerErrors) {
        const failed = (p.resources.listeners as Listener[]).find((l) => l.name === name);
        this.adminState.listenerErrors.set(name, { listener: failed, at: now, details });
      }
      this.envoyLog('warning', 'config', `gRPC config for ${TYPE_URL[rej.type]} rejected: ${rej.message}`);
      return { ok: false, type: rej.type, error: rej.message };
    }
  }

  private scheduleReconcile(): void {
    this.reconcileChain = this.reconcileChain.then(async () => {
      const cfg = this.rt.current;
      if (!cfg || this.stopped || this.draining) return;
      const errors = await this.listeners.reconcile(cfg.listeners);
      for (const e of errors) this.envoyLog('warning', 'config', e);
      if (!this.ready && !this.stopped && !this.draining) {
        this.ready = true;
        this.ctx.setReady(true);
        this.ctx.log(`${new Date().toISOString().replace('Z', '000Z')}\tinfo\tEnvoy proxy is ready`);
      }
    });
  }

  /** Resolves when listeners match the last applied config (tests). */
  async settled(): Promise<void> {
    await this.reconcileChain;
  }

  private drain(): void {
    this.draining = true;
    this.ready = false;
    this.ctx.setReady(false);
    void this.listeners.close();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.xdsConn?.disconnect();
    await this.listeners.close();
    this.rt.pools.destroy();
    for (const s of [this.admin.server, this.statusServer, this.promServer]) {
      s.close();
      s.closeAllConnections?.();
    }
  }
}
