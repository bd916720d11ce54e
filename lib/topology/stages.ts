/**
 * The stages of an ingress request's path, in order. Every topology node has one; the layout
 * puts one stage per column; code, UI and tests use these names.
 */

export const STAGES = ['client', 'loadBalancer', 'nodePort', 'gatewayPod', 'gatewayServer', 'virtualService', 'route', 'service', 'subset', 'pod'] as const;

export type Stage = (typeof STAGES)[number];

/** Column of each stage (0 = client). */
export const STAGE_INDEX: Readonly<Record<Stage, number>> = Object.fromEntries(STAGES.map((s, i) => [s, i])) as Record<Stage, number>;

/** Headings for the UI. */
export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  client: 'Client',
  loadBalancer: 'Load balancer',
  nodePort: 'NodePort',
  gatewayPod: 'Gateway pod',
  gatewayServer: 'Gateway server',
  virtualService: 'VirtualService',
  route: 'Route',
  service: 'Service',
  subset: 'Subset',
  pod: 'Pod',
};

export function isStage(s: unknown): s is Stage {
  return typeof s === 'string' && (STAGES as readonly string[]).includes(s);
}

/** Orders stages along the request path. */
export function compareStages(a: Stage, b: Stage): number {
  return STAGE_INDEX[a] - STAGE_INDEX[b];
}
