/**
 * The shape the overview renders: the request-path graph with positions. Produced on the server
 * from lib/topology (build + layout) and sent on the `topology` topic.
 */
export type StageName =
  | 'client'
  | 'loadBalancer'
  | 'nodePort'
  | 'gatewayPod'
  | 'gatewayServer'
  | 'virtualService'
  | 'route'
  | 'service'
  | 'subset'
  | 'pod';

export interface ViewNode {
  id: string;
  stage: StageName;
  label: string;
  /** Second line under the label (ports, hosts, match…). */
  detail?: string;
  health: 'ok' | 'warning' | 'error';
  warnings: string[];
  x: number;
  y: number;
  /** Raw fields for the side panel. */
  data?: Record<string, unknown>;
  /** Filter dimensions: the Gateways, namespaces, hosts and protocols whose paths cross this node. */
  tags?: { gateway?: string[]; namespace?: string[]; host?: string[]; protocol?: string[] };
  /** Resource the node stands for, for links and YAML. */
  ref?: { plural: string; namespace?: string; name: string };
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  broken?: boolean;
}

export interface TopologyView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  stages: Array<{ stage: StageName; title: string; x: number }>;
}
