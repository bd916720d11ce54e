/** Node ids of the topology, one function per stage (stable across rebuilds, so diffs and layouts can key on them). */
export const CLIENT_ID = 'client';
export const ids = {
  loadBalancer: (service: string, port: number) => `loadBalancer:${service}:${port}`,
  nodePort: (service: string, nodePort: number) => `nodePort:${service}:${nodePort}`,
  gatewayPod: (pod: string) => `gatewayPod:${pod}`,
  gatewayServer: (serverId: string) => `gatewayServer:${serverId}`,
  virtualService: (vs: string) => `virtualService:${vs}`,
  route: (vs: string, ref: string) => `route:${vs}:${ref}`,
  service: (fqdn: string) => `service:${fqdn}`,
  subset: (fqdn: string, subset: string) => `subset:${fqdn}:${subset}`,
  pod: (pod: string) => `pod:${pod}`,
};
