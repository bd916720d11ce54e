/**
 * The sandbox's data plane (see README.md): gateway proxies (`envoy/`), the istiod stand-in
 * (`istiod/`), backends (`backends/`), LoadBalancer/NodePort listeners (`network/`), the traffic
 * generator, and the seam `createDataPlane()` that `startSandbox` uses.
 */
export { createDataPlane, startMesh, ingressTargets, INGRESS_GATEWAY_SERVICE, type MeshOptions, type MeshEnv, type RunningMesh } from './data-plane';
export { createImageResolver, imageRepository, type MeshImageOptions } from './images';
export { startTraffic, TRAFFIC_MIX, type TrafficGenerator, type TrafficOptions, type TrafficStats, type TrafficTargets } from './traffic';
export { ServiceListeners, desiredListeners, type ListenerInfo, type ServiceListenersOptions } from './network/service-listeners';
export { IstiodXdsServer, IstiodImpl, renderSyncz, statusWord, type ProxySyncState } from './istiod/index';
export { REJECT_CONFIG_ANNOTATION } from './envoy/index';
