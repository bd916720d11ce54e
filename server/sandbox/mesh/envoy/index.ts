/**
 * The sandbox's Envoy-shaped gateway data plane.
 *
 * - `compileGatewayConfig` (istiod side): Gateway/VirtualService/DestinationRule/Service/endpoints/
 *   Secrets → Envoy v3 resources for one gateway pod, to push through `XdsServer`.
 * - `GatewayProxyImpl` (Envoy side): the ContainerImpl for `istio/proxyv2` router pods.
 */
export { compileGatewayConfig, snapshotSource, parseMeshConfig, ISTIO_JSON_LOG_FORMAT, ISTIO_TEXT_LOG_FORMAT } from './compile/index';
export type { CompileGatewayInput, CompiledGatewayConfig, CompileDiagnostic, ObjectSource, MeshSettings } from './compile/index';
export { GatewayProxyImpl, RunningGatewayProxy, type GatewayProxyOptions } from './proxy/gateway-proxy';
export type { AdminRequestRecord } from './admin/admin-server';
export { REJECT_CONFIG_ANNOTATION, ENVOY_VERSION_STRING, ISTIO_VERSION } from './constants';
