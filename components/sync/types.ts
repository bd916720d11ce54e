/**
 * What the `sync` and `drift` topics carry (server/sync/istiod.ts SyncSnapshot,
 * server/envoy/drift.ts DriftSnapshot), as the browser reads them.
 */
import type { PodDrift } from '@/lib/envoy/drift';

export const XDS_COLUMNS = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] as const;
export type XdsColumn = (typeof XDS_COLUMNS)[number];
export type XdsState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'NACK';

export interface XdsTypeStatus {
  state: XdsState;
  sent?: string;
  acked?: string;
  sentTime?: number;
  error?: string;
}

export interface ProxySync {
  proxy: string;
  pod: string;
  namespace: string;
  proxyType?: string;
  clusterId?: string;
  istioVersion?: string;
  istiod: string;
  types: Partial<Record<XdsColumn | 'SDS', XdsTypeStatus>>;
}

export interface IstiodStatus {
  pod: string;
  namespace: string;
  ok: boolean;
  error?: string;
  proxies: number;
}

export type RolloutPodState = 'pending' | 'acked' | 'nack' | 'gone';

export interface RolloutStatus {
  id: string;
  label?: string;
  appliedAt: number;
  done: boolean;
  doneAt?: number;
  timedOut: boolean;
  pods: Array<{ proxy: string; pod: string; namespace: string; state: RolloutPodState; error?: string; ackedAt?: number }>;
  counts: Record<RolloutPodState, number>;
}

export interface SyncSnapshot {
  version: number;
  fetchedAt: number;
  istiods: IstiodStatus[];
  proxies: ProxySync[];
  rollouts: RolloutStatus[];
  error?: string;
}

export interface PodDriftStatus {
  pod: string;
  namespace: string;
  fetchedAt?: number;
  configVersion?: string;
  error?: string;
  drift?: PodDrift;
}

export interface DriftSnapshot {
  version: number;
  computedAt: number;
  pods: PodDriftStatus[];
}
