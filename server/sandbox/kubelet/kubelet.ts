/**
 * The sandbox's kubelet (and its one-line scheduler): one Node, `sandbox-node`, running every pod
 * of the store as in-process containers.
 *
 * For each pod: bind it to the node (spec.nodeName, PodScheduled), give it an address on the
 * sandbox's 127.X.0.0/16, mount its Secret/ConfigMap volumes, start each container through the
 * ImageResolver, and keep status truthful (phase, conditions, containerStatuses, podIP(s),
 * hostIP(s), startTime). A pod with a deletionTimestamp has its containers stopped and is then
 * removed from the store; a pod removed outright has its containers stopped.
 *
 * `ctx.files` is updated in place when a mounted Secret or ConfigMap changes (as the kubelet
 * refreshes secret volumes); containers read it when they need the content.
 * Store writes happen on a later tick, never inside a store listener (see events.ts).
 * Readiness: a container is Ready once started unless it called `setReady(false)` during start
 * (then it says when), like a container without and with a readiness probe.
 * A container whose start() throws is restarted with back-off (1 s doubling to 30 s: shorter than
 * the kubelet's 10 s to 5 min so that tests and demos recover quickly), reported as CrashLoopBackOff.
 */
import { randomBytes } from 'node:crypto';
import type { Store, StoreEvent, StoredObject, Watcher } from '../api/store';
import { isoSeconds } from '../api/store';
import { noEvents, type EventRecorder } from '../controllers/events';
import type { ContainerContext, ContainerImpl, ImageResolver, SandboxServices } from './container';
import { resolveContainer } from './container-env';
import { ContainerLog } from './container-log';
import { genericContainer } from './generic-container';
import { ListenerTable, newListenerSet } from './listeners';
import { createPodNetwork, type PodNetwork } from './pod-network';
import { buildPodStatus } from './pod-status';
import { containerViews, podKey, START_TIMEOUT_MS, startWithin, type ContainerSpec, type Instance, type PodRuntime, type Slot } from './pod-runtime';
import { mountVolumes } from './volumes';
import { applyFaultAnnotations } from './fault-annotations';
import { LogBursts } from './log-burst';
import { bindPod, registerNode } from './node';

export const NODE_NAME = 'sandbox-node';
export const HOST_IP = '127.0.0.1';
const STOP_TIMEOUT_MS = 2_000;


export interface KubeletOptions {
  store: Store;
  imageResolver?: ImageResolver;
  services?: SandboxServices;
  /** X of the pod network 127.X.0.0/16; default: the first free one (claimed by binding). */
  podCidrOctet?: number;
  events?: EventRecorder;
  /** Lines kept per container instance (default 5 000). */
  logLines?: number;
  /** First restart back-off after a failed start (ms, default 1 000; doubles up to 30 s). */
  restartBackoffMs?: number;
  now?: () => Date;
}

export class Kubelet {
  readonly nodeName = NODE_NAME;
  readonly hostIP = HOST_IP;
  private readonly store: Store;
  private readonly resolver: ImageResolver;
  private readonly services: SandboxServices;
  private readonly events: EventRecorder;
  private readonly table = new ListenerTable();
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly dirty = new Set<string>();
  private readonly statusDirty = new Set<string>();
  private readonly remounts = new Set<string>();
  private flushTimer: NodeJS.Immediate | undefined;
  private watchers: Watcher[] = [];
  private closed = false;
  private readonly pendingStops = new Set<Promise<void>>();
  /** Pods being stopped before their removal from the store, by uid. */
  private readonly terminating = new Map<string, Promise<void>>();

  private constructor(
    private readonly opts: KubeletOptions,
    readonly network: PodNetwork,
  ) {
    this.store = opts.store;
    this.resolver = opts.imageResolver ?? (() => undefined);
    this.services = opts.services ?? {};
    this.events = opts.events ?? noEvents;
  }

  /** Claims a pod network, registers the Node and starts running the store's pods. */
  static async start(opts: KubeletOptions): Promise<Kubelet> {
    const network = await createPodNetwork({ octet: opts.podCidrOctet });
    const k = new Kubelet(opts, network);
    registerNode(k.store, k.nodeName, k.hostIP, network.cidr, k.now());
    k.watchers.push(k.store.subscribe('core/pods', (ev) => k.onPodEvent(ev)));
    k.watchers.push(k.store.subscribe('core/secrets', (ev) => k.onSourceEvent('secrets', ev)));
    k.watchers.push(k.store.subscribe('core/configmaps', (ev) => k.onSourceEvent('configmaps', ev)));
    for (const p of k.store.list('core/pods').items) k.enqueue(podKey(p.metadata.namespace, p.metadata.name));
    return k;
  }

  get podCidr(): string {
    return this.network.cidr;
  }

  private now(): string {
    return isoSeconds((this.opts.now ?? (() => new Date()))());
  }

  // ---- event intake (never writes synchronously) ----

  private onPodEvent(ev: StoreEvent): void {
    this.enqueue(podKey(ev.object.metadata.namespace, ev.object.metadata.name));
  }

  private onSourceEvent(kind: 'secrets' | 'configmaps', ev: StoreEvent): void {
    const src = `${kind}/${ev.object.metadata.name}`;
    for (const rt of this.runtimes.values()) {
      if (rt.pod.metadata.namespace === ev.object.metadata.namespace && rt.mountSources.has(src)) this.enqueue(rt.key, 'remount');
    }
  }

  private enqueue(key: string, what: 'pod' | 'remount' = 'pod'): void {
    if (this.closed) return;
    (what === 'pod' ? this.dirty : this.remounts).add(key);
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private scheduleStatus(key: string): void {
    if (this.closed) return;
    this.statusDirty.add(key);
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.closed) return;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const k of keys) this.reconcile(k);
    const remounts = [...this.remounts];
    this.remounts.clear();
    for (const k of remounts) this.remount(k);
    const st = [...this.statusDirty];
    this.statusDirty.clear();
    for (const k of st) this.writeStatus(k);
  }

  // ---- pod lifecycle ----

  private reconcile(key: string): void {
    const [ns, name] = key.split('/') as [string, string];
    const pod = this.store.get('core/pods', ns || undefined, name);
    let rt = this.runtimes.get(key);
    if (rt && (!pod || pod.metadata.uid !== rt.uid)) {
      this.track(this.stopRuntime(rt, !!pod ? 'replaced' : 'deleted'));
      rt = undefined;
    }
    if (!pod) return;
    const spec = (pod['spec'] ?? {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) {
      const uid = pod.metadata.uid!;
      if (this.terminating.has(uid)) return;
      const done = (rt ? this.stopRuntime(rt, 'deleting') : Promise.resolve()).then(() => {
        this.terminating.delete(uid);
        if (this.closed) return;
        try {
          this.store.delete('core/pods', ns, name, { uid });
        } catch {
          // already removed (by a client with gracePeriod 0, or by namespace deletion)
        }
      });
      this.terminating.set(uid, done);
      this.track(done);
      return;
    }
    const phase = (pod['status'] as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!spec.nodeName) {
      bindPod(this.store, this.events, pod, this.nodeName, this.now());
      return;
    }
    if (spec.nodeName !== this.nodeName) return;
    if (!rt) this.startRuntime(pod);
    else {
      rt.pod = pod;
      applyFaultAnnotations(this, pod, rt.faults, false);
    }
  }

  private startRuntime(pod: StoredObject): void {
    const key = podKey(pod.metadata.namespace, pod.metadata.name);
    const containers = ((pod['spec'] as { containers?: ContainerSpec[] } | undefined)?.containers ?? []) as ContainerSpec[];
    const rt: PodRuntime = {
      key,
      uid: pod.metadata.uid!,
      pod,
      podIP: this.network.allocate(),
      startTime: this.now(),
      slots: new Map(containers.map((c) => [c.name, { spec: c, restartCount: 0, backoffMs: 0, forcedUnready: false, files: new Map() }])),
      stopping: false,
      mountSources: new Set(),
      started: false,
      faults: new Map(),
    };
    this.runtimes.set(key, rt);
    applyFaultAnnotations(this, pod, rt.faults, true);
    this.mountAndStart(rt);
  }

  private mountAndStart(rt: PodRuntime): void {
    if (rt.stopping || rt.started) return;
    const errors: string[] = [];
    rt.mountSources.clear();
    for (const [name, slot] of rt.slots) {
      const m = mountVolumes(this.store, rt.pod, name);
      for (const s of m.sources) rt.mountSources.add(s);
      errors.push(...m.errors);
      slot.files.clear();
      for (const [p, c] of m.files) slot.files.set(p, c);
    }
    if (errors.length > 0) {
      const first = errors[0]!;
      if (rt.mountError !== first) this.events.record(rt.pod, 'Warning', 'FailedMount', first, { component: 'kubelet', host: this.nodeName });
      rt.mountError = first;
      this.scheduleStatus(rt.key);
      clearTimeout(rt.mountTimer);
      rt.mountTimer = setTimeout(() => this.mountAndStart(rt), 5_000);
      rt.mountTimer.unref();
      return;
    }
    rt.mountError = undefined;
    rt.started = true;
    clearTimeout(rt.mountTimer);
    for (const slot of rt.slots.values()) void this.startContainer(rt, slot);
    this.scheduleStatus(rt.key);
  }

  /** Secret/ConfigMap changed: mount again (running containers see the new files in ctx.files). */
  private remount(key: string): void {
    const rt = this.runtimes.get(key);
    if (!rt || rt.stopping) return;
    if (!rt.started) return this.mountAndStart(rt);
    for (const [name, slot] of rt.slots) {
      const m = mountVolumes(this.store, rt.pod, name);
      for (const p of [...slot.files.keys()]) if (!m.files.has(p)) slot.files.delete(p);
      for (const [p, c] of m.files) slot.files.set(p, c);
    }
  }

  private async startContainer(rt: PodRuntime, slot: Slot): Promise<void> {
    if (rt.stopping || this.closed) return;
    const spec = slot.spec;
    const inst: Instance = {
      containerID: `sandbox://${randomBytes(32).toString('hex')}`,
      log: new ContainerLog(this.opts.logLines),
      abort: new AbortController(),
      listeners: newListenerSet(),
      state: { waiting: { reason: 'ContainerCreating' } },
      ready: false,
      readyTouched: false,
    };
    if (slot.current) slot.previous = slot.current;
    slot.current = inst;
    const fieldPath = `spec.containers{${spec.name}}`;
    const src = { component: 'kubelet', host: this.nodeName };
    this.events.record(rt.pod, 'Normal', 'Pulled', `Container image "${spec.image}" already present on machine`, src, fieldPath);
    this.events.record(rt.pod, 'Normal', 'Created', `Created container ${spec.name}`, src, fieldPath);
    const ctx: ContainerContext = {
      pod: structuredClone(rt.pod),
      podIP: rt.podIP,
      containerName: spec.name,
      container: resolveContainer(this.store, rt.pod, spec, rt.podIP, this.hostIP),
      store: this.store,
      files: slot.files,
      log: (line: string) => inst.log.append(line),
      listen: async (server, port, scope) => {
        if (inst.abort.signal.aborted) throw new Error(`container ${spec.name} is stopped`);
        await this.table.listen(inst.listeners, server, { podIP: rt.podIP, podUid: rt.uid, port, scope });
        if (inst.abort.signal.aborted) await this.table.close(inst.listeners);
      },
      setReady: (ready: boolean) => {
        inst.readyTouched = true;
        if (inst.ready === ready) return;
        inst.ready = ready;
        if ('running' in inst.state) this.scheduleStatus(rt.key);
      },
      signal: inst.abort.signal,
      services: this.services,
    };
    const impl: ContainerImpl = this.resolver(spec, rt.pod) ?? genericContainer;
    try {
      const running = await startWithin(impl.start(ctx), START_TIMEOUT_MS, spec.name);
      inst.running = running;
      if (inst.abort.signal.aborted) {
        await this.stopInstance(inst, 'Completed', 0);
        return;
      }
      inst.startedAt = this.now();
      inst.state = { running: { startedAt: inst.startedAt } };
      if (!inst.readyTouched) inst.ready = true;
      slot.backoffMs = 0;
      this.events.record(rt.pod, 'Normal', 'Started', `Started container ${spec.name}`, src, fieldPath);
    } catch (err) {
      if (inst.abort.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      inst.log.append(`sandbox: container ${spec.name} failed to start: ${message}`);
      await this.stopInstance(inst, 'Error', 1, message);
      slot.backoffMs = Math.min(30_000, slot.backoffMs ? slot.backoffMs * 2 : (this.opts.restartBackoffMs ?? 1_000));
      this.events.record(rt.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${spec.name} in pod ${rt.pod.metadata.name}_${rt.pod.metadata.namespace}(${rt.uid})`, src, fieldPath);
      slot.timer = setTimeout(() => {
        slot.timer = undefined;
        if (rt.stopping || this.closed) return;
        slot.restartCount++;
        void this.startContainer(rt, slot);
      }, slot.backoffMs);
      slot.timer.unref();
    }
    this.scheduleStatus(rt.key);
  }

  private async stopInstance(inst: Instance, reason: string, exitCode: number, message?: string): Promise<void> {
    if (!inst.abort.signal.aborted) inst.abort.abort();
    const running = inst.running;
    inst.running = undefined;
    if (running) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        running.stop().catch(() => {}),
        new Promise<void>((r) => {
          t = setTimeout(r, STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(t);
    }
    await this.table.close(inst.listeners);
    inst.log.stop();
    inst.ready = false;
    inst.state = {
      terminated: {
        exitCode,
        reason,
        ...(message ? { message } : {}),
        ...(inst.startedAt ? { startedAt: inst.startedAt } : {}),
        finishedAt: this.now(),
        containerID: inst.containerID,
      },
    };
  }

  private async stopRuntime(rt: PodRuntime, why: 'deleting' | 'deleted' | 'replaced' | 'closing'): Promise<void> {
    if (rt.stopping) return;
    rt.stopping = true;
    clearTimeout(rt.mountTimer);
    if (this.runtimes.get(rt.key) === rt) this.runtimes.delete(rt.key);
    const src = { component: 'kubelet', host: this.nodeName };
    await Promise.all(
      [...rt.slots.values()].map(async (slot) => {
        clearTimeout(slot.timer);
        if (why === 'deleting' && slot.current && 'running' in slot.current.state) {
          this.events.record(rt.pod, 'Normal', 'Killing', `Stopping container ${slot.spec.name}`, src, `spec.containers{${slot.spec.name}}`);
        }
        if (slot.current) await this.stopInstance(slot.current, 'Completed', 0);
      }),
    );
    this.network.release(rt.podIP);
  }

  private track(p: Promise<void>): void {
    const q: Promise<void> = p.finally(() => this.pendingStops.delete(q));
    this.pendingStops.add(q);
  }

  private writeStatus(key: string): void {
    const rt = this.runtimes.get(key);
    if (!rt || rt.stopping) return;
    const containers = containerViews(rt);
    this.store.mutate('core/pods', rt.pod.metadata.namespace, rt.pod.metadata.name, (p) => {
      if (p.metadata.uid !== rt.uid || p.metadata.deletionTimestamp) return p;
      p['status'] = buildPodStatus(
        { podIP: rt.podIP, hostIP: this.hostIP, startTime: rt.startTime, containers, mountError: rt.mountError },
        p['status'] as Record<string, unknown> | undefined,
        this.now(),
      );
    });
  }

  // ---- lookups for subresources and the data plane ----

  /** Where a pod-scope listener for podIP:port really is (see listeners.ts). */
  resolvePodPort(podIP: string, port: number): { host: string; port: number } {
    return this.table.resolve(podIP, port);
  }

  /** The 127.0.0.1 port of the loopback listener a pod's container bound for `port`. */
  loopbackPort(namespace: string, name: string, port: number): number | undefined {
    const rt = this.runtimes.get(podKey(namespace, name));
    return rt ? this.table.loopbackPort(rt.uid, port) : undefined;
  }

  /** The pod's IP while the kubelet runs it. */
  podIP(namespace: string, name: string): string | undefined {
    return this.runtimes.get(podKey(namespace, name))?.podIP;
  }

  /** The log of a container's current (or previous) instance; undefined when there is none. */
  containerLog(namespace: string, name: string, container: string, previous = false): ContainerLog | undefined {
    const slot = this.runtimes.get(podKey(namespace, name))?.slots.get(container);
    if (!slot) return undefined;
    const inst = previous ? slot.previous : slot.current;
    if (!inst) return undefined;
    if (!previous && 'waiting' in inst.state) return undefined;
    return inst.log;
  }

  /** Why there is no current log: `ContainerCreating` / `CrashLoopBackOff`, or undefined. */
  containerWaitingReason(namespace: string, name: string, container: string): string | undefined {
    const rt = this.runtimes.get(podKey(namespace, name));
    if (!rt) return 'ContainerCreating';
    const slot = rt.slots.get(container);
    if (!slot?.current) return 'ContainerCreating';
    if (slot.timer) return 'CrashLoopBackOff';
    return 'waiting' in slot.current.state ? slot.current.state.waiting.reason : undefined;
  }

  // ---- fault switches (documented in server/sandbox/faults.md) ----

  private slotsOf(namespace: string, name: string, container?: string): { rt: PodRuntime; slots: Slot[] } {
    const rt = this.runtimes.get(podKey(namespace, name));
    if (!rt) throw new Error(`pod ${namespace}/${name} is not running on ${this.nodeName}`);
    const slots = container ? [rt.slots.get(container)].filter((s): s is Slot => !!s) : [...rt.slots.values()];
    if (slots.length === 0) throw new Error(`container ${container} is not valid for pod ${name}`);
    return { rt, slots };
  }

  /** Kills and restarts containers (all, or one): new containerID, restartCount+1, previous log kept. */
  async restartContainer(namespace: string, name: string, container?: string): Promise<void> {
    const { rt, slots } = this.slotsOf(namespace, name, container);
    await Promise.all(
      slots.map(async (slot) => {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        if (slot.current) await this.stopInstance(slot.current, 'Error', 137);
        if (rt.stopping || this.closed) return;
        slot.restartCount++;
        await this.startContainer(rt, slot);
      }),
    );
  }

  /** Rotates container logs: later reads start after this point; open follows continue. */
  rotateLog(namespace: string, name: string, container?: string): void {
    for (const slot of this.slotsOf(namespace, name, container).slots) slot.current?.log.rotate();
  }

  /** Ends every open follow of the pod's logs once. Returns how many were cut. */
  cutLogFollows(namespace: string, name: string): number {
    let n = 0;
    for (const slot of this.slotsOf(namespace, name).slots) n += slot.current?.log.cutFollowers() ?? 0;
    return n;
  }

  /** Forces containers un-ready (readiness probe failing) until called again with false. */
  setContainerUnready(namespace: string, name: string, container: string | undefined, unready = true): void {
    const { rt, slots } = this.slotsOf(namespace, name, container);
    for (const s of slots) s.forcedUnready = unready;
    this.scheduleStatus(rt.key);
  }

  private readonly bursts = new LogBursts();

  /** Fault switch `fault.sandbox.gatescope.io/write-log`: one raw line in the gateway container's log (a corrupted or foreign line). */
  writeLogLine(namespace: string, name: string, line: string): void {
    const { rt } = this.slotsOf(namespace, name);
    const container = rt.slots.has('istio-proxy') ? 'istio-proxy' : [...rt.slots.keys()][0]!;
    this.containerLog(namespace, name, container)?.append(line.replace(/[\r\n]+/g, ' '));
  }

  /** Load switch `load.sandbox.gatescope.io/log-burst` (log-burst.ts): the gateway container's log. */
  logBurst(namespace: string, name: string, value: string): void {
    const { rt } = this.slotsOf(namespace, name);
    const container = rt.slots.has('istio-proxy') ? 'istio-proxy' : [...rt.slots.keys()][0]!;
    this.bursts.start(`${namespace}/${name}`, value, () => (this.closed ? undefined : this.containerLog(namespace, name, container)));
  }

  /** Stops every container (no store writes), releases the pod network. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.bursts.stopAll();
    for (const w of this.watchers) w.stop();
    this.watchers = [];
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const all = [...this.runtimes.values()];
    await Promise.all([...all.map((rt) => this.stopRuntime(rt, 'closing')), ...this.pendingStops]);
    this.runtimes.clear();
    await this.network.close();
  }
}
