/**
 * The shape the overview renders: produced on the server by lib/topology (build + layout + view)
 * and sent on the `topology` topic and by `GET /api/topology`.
 */
export type { StageName, TopologyView, ViewEdge, ViewNode } from '@/lib/topology/view';
