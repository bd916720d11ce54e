/**
 * The seam between the sandbox's control plane (API server, controllers, kubelet: `start.ts`)
 * and its data plane (`mesh/`: gateway proxies, istiod stand-in, backends, LoadBalancer and
 * NodePort listeners, traffic generator).
 *
 * `startSandbox` uses `options.dataPlane` or, when not given, the default export
 * `createDataPlane()` of `./mesh/data-plane.ts` when that module exists.
 */
import type { Store } from './api/store';
import type { ImageResolver, SandboxServices } from './kubelet/container';

/** Keys `startSandbox` puts into SandboxServices (what every container's ctx.services holds). */
export interface SandboxBaseServices {
  /** Added to every listener the data plane opens on 127.0.0.1 (LoadBalancer ports, NodePorts). */
  portOffset: number;
  /** Requests per second the traffic generator should send (0 = off). */
  trafficRps: number;
  /** The pod network: where a pod-scope listener really is (see kubelet/listeners.ts). */
  podNetwork: {
    cidr: string;
    resolve(podIP: string, port: number): { host: string; port: number };
  };
}

export interface DataPlaneEnv {
  store: Store;
  /** The same object every container receives as ctx.services (includes SandboxBaseServices). */
  services: SandboxServices & SandboxBaseServices;
  portOffset: number;
  trafficRps: number;
  /** Where to connect for podIP:port (normally itself; see kubelet/listeners.ts). */
  resolvePodPort(podIP: string, port: number): { host: string; port: number };
  /** One line for the sandbox's own log (the CLI prints it). */
  log(line: string): void;
}

export interface RunningDataPlane {
  stop(): Promise<void>;
}

export interface DataPlane {
  /** Container behaviours by image; unknown images fall back to a generic idle container. */
  imageResolver?: ImageResolver;
  /** Entries merged into SandboxServices before any container starts (e.g. the istiod stand-in's `xds` registry). */
  services?: SandboxServices;
  /**
   * Called once the scenario is in the store, the controllers and the kubelet run: open the
   * LoadBalancer and NodePort listeners (plus portOffset), start the traffic generator.
   */
  start?(env: DataPlaneEnv): Promise<RunningDataPlane>;
}
