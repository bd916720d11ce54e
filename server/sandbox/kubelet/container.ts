/**
 * The contract between the sandbox's kubelet (which runs pods) and the workloads it runs
 * (gateway proxies, istiod, httpd, httpbin, counter, tcp echo).
 *
 * A pod has its own address on 127.0.0.0/8 (its "pod IP"), so listeners bound there are real,
 * reachable sockets, as pod IPs are on a cluster. A pod's *loopback* (127.0.0.1 inside its network
 * namespace on a real node) is modelled by listeners the kubelet binds on an ephemeral port of
 * 127.0.0.1 and records per container port: only `pods/portforward` reaches them (never
 * `pods/proxy`/`services/proxy`, which connect to the pod IP, as kube-apiserver does).
 */
import type { Server as NetServer } from 'node:net';
import type { Store, StoredObject } from '../api/store';

export interface ContainerContext {
  /** The pod object as the kubelet started it (read-only snapshot). */
  readonly pod: StoredObject;
  readonly podIP: string;
  readonly containerName: string;
  /** Container spec (image, args, env, ports) from the pod. */
  readonly container: { name: string; image: string; args?: string[]; env?: Array<{ name: string; value?: string }>; ports?: Array<{ containerPort: number; name?: string; protocol?: string }> };
  /** Read access to the API objects (the gateway reads Gateways/VirtualServices, istiod pushes config). */
  readonly store: Store;
  /** Files mounted from Secret/ConfigMap volumes: absolute path → content (e.g. /etc/istio/ingressgateway-certs/tls.crt). */
  readonly files: ReadonlyMap<string, string>;
  /** Append one line to this container's stdout log (what pods/log returns). No trailing newline. */
  log(line: string): void;
  /**
   * Bind `server` (a net.Server, http.Server, tls.Server...) for `port`.
   * scope 'pod': on podIP:port (reachable from other pods, Services, NodePorts, pods/proxy).
   * scope 'loopback': on the pod's loopback (reachable only through pods/portforward).
   */
  listen(server: NetServer, port: number, scope: 'pod' | 'loopback'): Promise<void>;
  /** Readiness as the readiness probe would report it; the kubelet mirrors it in pod status. */
  setReady(ready: boolean): void;
  /** Aborted when the container is stopped (pod deleted, restart). */
  readonly signal: AbortSignal;
  /** Sandbox-wide services a workload may need (e.g. the istiod stand-in's registry of proxies). */
  readonly services: SandboxServices;
}

export interface RunningContainer {
  /** Close listeners and timers. Must resolve promptly (< 1 s). */
  stop(): Promise<void>;
}

export interface ContainerImpl {
  start(ctx: ContainerContext): Promise<RunningContainer>;
}

/**
 * Chooses the behaviour of a container from its image (and pod labels), as a node would pull
 * and run the image. Unknown images run a generic container that only listens on nothing and
 * stays Ready.
 */
export type ImageResolver = (container: ContainerContext['container'], pod: StoredObject) => ContainerImpl | undefined;

/** Shared, in-process services of one sandbox instance (filled by the mesh). */
export interface SandboxServices {
  [name: string]: unknown;
}
