/**
 * The sandbox's data plane, plugged into `startSandbox` through the seam in ../data-plane.ts
 * (`start.ts` imports this module's `createDataPlane()` when `options.dataPlane` is not given):
 *
 * - `services.xds`: the istiod stand-in's discovery server, there before any container starts,
 *   so gateway proxies can connect the moment they run;
 * - `imageResolver`: gateway proxy, istiod, httpd, httpbin, counter, TCP echo (./images.ts);
 * - `start(env)`, once the scenario is in the store: bind the discovery server to the store, open
 *   the LoadBalancer and NodePort listeners (+ port offset; a taken port fails the start with a
 *   message naming `--port-offset`), start the traffic generator (`trafficRps`, 0 = off).
 */
import type { Store } from '../api/store';
import type { DataPlane, RunningDataPlane } from '../data-plane';
import type { GatewayProxyOptions } from './envoy/index';
import { createImageResolver } from './images';
import { IstiodXdsServer, type IstiodOptions } from './istiod/index';
import { ServiceListeners } from './network/service-listeners';
import { startTraffic, type TrafficGenerator, type TrafficTargets } from './traffic';

export interface MeshOptions {
  /** istiod's debounce quiet period in ms (default 100). */
  debounceMs?: number;
  gateway?: GatewayProxyOptions;
  istiod?: IstiodOptions;
  /** Most traffic-generator requests in flight (default 16). */
  trafficMaxInFlight?: number;
  random?: () => number;
}

export interface MeshEnv {
  store: Store;
  portOffset: number;
  trafficRps: number;
  resolvePodPort(podIP: string, port: number): { host: string; port: number };
  log(line: string): void;
}

export interface RunningMesh extends RunningDataPlane {
  xds: IstiodXdsServer;
  listeners: ServiceListeners;
  traffic?: TrafficGenerator;
}

export const INGRESS_GATEWAY_SERVICE = 'istio-system/istio-ingressgateway';

/** The ingress gateway's LoadBalancer addresses for HTTP (80), HTTPS (443) and TCP (3306). */
export function ingressTargets(listeners: ServiceListeners, portOffset: number): TrafficTargets {
  const lb = listeners.list().filter((l) => l.kind === 'loadBalancer' && l.service === INGRESS_GATEWAY_SERVICE);
  const at = (port: number) => {
    const l = lb.find((x) => x.servicePort === port);
    return l ? { host: l.host, port: l.port } : { host: '127.0.0.1', port: port + portOffset };
  };
  return { http: at(80), https: at(443), tcp: at(3306) };
}

/** Listeners and traffic for a sandbox whose containers already use `xds` (see createDataPlane). */
export async function startMesh(env: MeshEnv, xds: IstiodXdsServer, opts: MeshOptions = {}): Promise<RunningMesh> {
  xds.bind(env.store);
  let listeners: ServiceListeners;
  try {
    listeners = await ServiceListeners.start({ store: env.store, portOffset: env.portOffset, resolvePodPort: env.resolvePodPort, log: env.log });
  } catch (err) {
    xds.close();
    throw err;
  }
  const traffic =
    env.trafficRps > 0 ? startTraffic({ rps: env.trafficRps, targets: () => ingressTargets(listeners, env.portOffset), maxInFlight: opts.trafficMaxInFlight, random: opts.random }) : undefined;
  if (traffic) env.log(`sandbox: traffic generator: ${env.trafficRps} requests/s to the ingress gateway's LoadBalancer`);
  let stopping: Promise<void> | undefined;
  return {
    xds,
    listeners,
    traffic,
    stop: () =>
      (stopping ??= (async () => {
        await traffic?.stop();
        await listeners.close();
        xds.close();
      })()),
  };
}

export function createDataPlane(opts: MeshOptions = {}): DataPlane {
  const xds = new IstiodXdsServer({ debounceMs: opts.debounceMs });
  return {
    imageResolver: createImageResolver({ gateway: opts.gateway, istiod: opts.istiod, random: opts.random }),
    services: { xds },
    start: (env) => startMesh(env, xds, opts),
  };
}
