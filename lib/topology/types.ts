/**
 * The request-path graph: nodes per stage (see `stages.ts`), edges between consecutive stages,
 * and the paths a request can take from the client to a pod, each with its first broken link.
 * Plain data: no React, no React Flow types (`components/graph/to-flow.ts` converts).
 */
import type { Stage } from './stages';

export type Health = 'ok' | 'warning' | 'error';

export interface ClientData {
  kind: 'client';
}

export interface LoadBalancerData {
  kind: 'loadBalancer';
  /** `namespace/name` of the gateway Service. */
  service: string;
  port: number;
  portName?: string;
  /** `status.loadBalancer.ingress[].ip` or `.hostname`. */
  addresses: string[];
}

export interface NodePortData {
  kind: 'nodePort';
  service: string;
  port: number;
  nodePort: number;
  /** Node InternalIP/ExternalIP addresses, when nodes are known. */
  nodeAddresses: string[];
}

export interface GatewayPodData {
  kind: 'gatewayPod';
  pod: string;
  ip?: string;
  ready: boolean;
  node?: string;
  /** Gateways that select it (`namespace/name`). */
  gateways: string[];
}

export interface GatewayServerData {
  kind: 'gatewayServer';
  /** `namespace/name#index`. */
  id: string;
  gateway: string;
  index: number;
  name?: string;
  port: number;
  protocol: string;
  hosts: string[];
  tls?: { mode?: string; credentialName?: string; httpsRedirect?: boolean };
  /** The gateway pod port it listens on (undefined when no pod is selected). */
  listenerPort?: number;
  /** `namespace/name:port` of the gateway Service port exposing it. */
  exposedBy?: string;
}

export interface VirtualServiceData {
  kind: 'virtualService';
  virtualService: string;
  hosts: string[];
  /** Resolved `gateways` (`namespace/name` or `mesh`). */
  gateways: string[];
}

export interface RouteDestinationData {
  host: string;
  fqdn: string;
  port: number;
  subset?: string;
  /** Share in percent. */
  weight: number;
}

export interface RouteData {
  kind: 'route';
  virtualService: string;
  routeKind: 'http' | 'tcp' | 'tls';
  index: number;
  name?: string;
  /** `v1`, `http[2]`, `tcp[0]`. */
  label: string;
  delegate?: { virtualService: string; index: number };
  /** One description per match block (`uri prefix /v1`), empty: every request. */
  matches: string[];
  rewrite?: string;
  redirect?: string;
  directResponse?: number;
  fault?: string;
  destinations: RouteDestinationData[];
}

export interface ServiceData {
  kind: 'service';
  fqdn: string;
  /** `namespace/name`, absent when no such Service exists. */
  service?: string;
  ports: number[];
}

export interface SubsetData {
  kind: 'subset';
  fqdn: string;
  subset: string;
  destinationRule?: string;
  labels?: Record<string, string>;
}

export interface PodData {
  kind: 'pod';
  pod: string;
  ip?: string;
  ready: boolean;
  labels: Record<string, string>;
}

export type NodeData =
  | ClientData
  | LoadBalancerData
  | NodePortData
  | GatewayPodData
  | GatewayServerData
  | VirtualServiceData
  | RouteData
  | ServiceData
  | SubsetData
  | PodData;

export interface TopologyNode {
  id: string;
  stage: Stage;
  label: string;
  data: NodeData;
  health: Health;
  /** Problems in words ("subset v3 selects no pods"); errors first. */
  warnings: string[];
}

export interface EdgeData {
  /** The port the traffic uses on this hop (Service port, NodePort, pod port, destination port). */
  port?: number;
  /** Share of the route's traffic (route → service/subset edges). */
  weight?: number;
  subset?: string;
}

export interface TopologyEdge {
  id: string;
  source: string;
  target: string;
  data: EdgeData;
}

export interface TopologyPath {
  id: string;
  /** Node ids in stage order; stages with several nodes (gateway pods, pods) list all of them. */
  nodes: string[];
  edges: string[];
  /** Share of the route's traffic this path carries, in percent. */
  weight?: number;
  /** The first broken link: where requests on this path stop, and why. */
  broken?: { node: string; stage: Stage; reason: string };
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  paths: TopologyPath[];
}
