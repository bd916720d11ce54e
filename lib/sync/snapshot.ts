/**
 * What the console's sync views carry, shared by the server that builds them (server/sync,
 * server/envoy/drift.ts) and the browser that draws them (components/sync): one row per proxy with
 * the state of each xDS type as istiod's /debug/syncz reports it, the istiod pods asked, the
 * rollouts after the console's own writes, and each gateway pod's drift from the resources.
 */
import type { PodDrift } from '../envoy/drift';

export const XDS_TYPES = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'SDS'] as const;
export type XdsType = (typeof XDS_TYPES)[number];
/** The types every table shows (SDS only when a proxy watches it). */
export const CORE_XDS_TYPES: readonly XdsType[] = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'];

export type XdsState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'NACK';

export interface XdsTypeStatus {
  state: XdsState;
  sent?: string;
  acked?: string;
  /** When istiod sent the last response of this type (ms since epoch; current istiod only). */
  sentTime?: number;
  /** Envoy's error_detail of the last NACK. */
  error?: string;
}

export interface ProxySync {
  /** `<pod>.<namespace>`, istiod's proxy id. */
  proxy: string;
  pod: string;
  namespace: string;
  /** router (gateways), sidecar, waypoint, ztunnel; undefined on Istio ≤ 1.14. */
  proxyType?: string;
  clusterId?: string;
  istioVersion?: string;
  /** The istiod pod this proxy is connected to. */
  istiod: string;
  types: Partial<Record<XdsType, XdsTypeStatus>>;
}

export interface IstiodStatus {
  pod: string;
  namespace: string;
  ok: boolean;
  error?: string;
  proxies: number;
}

export type RolloutPodState = 'pending' | 'acked' | 'nack' | 'gone';

export interface RolloutPod {
  proxy: string;
  pod: string;
  namespace: string;
  state: RolloutPodState;
  /** The NACK's error_detail, with its xDS type. */
  error?: string;
  /** When the console first saw the acknowledgement (ms). */
  ackedAt?: number;
  /** When the pod left syncz (ms). */
  goneAt?: number;
}

export interface RolloutStatus {
  id: string;
  /** What was applied, for the UI ("VirtualService default/web"). */
  label?: string;
  appliedAt: number;
  /** Every pod acked (or the rollout timed out: see timedOut). */
  done: boolean;
  doneAt?: number;
  timedOut: boolean;
  pods: RolloutPod[];
  counts: Record<RolloutPodState, number>;
}

/** The `sync` topic and `GET /api/sync`. */
export interface SyncSnapshot {
  version: number;
  /** When the data was fetched (ms). */
  fetchedAt: number;
  istiods: IstiodStatus[];
  proxies: ProxySync[];
  rollouts: RolloutStatus[];
  /** Set when no istiod could be asked at all ("no running istiod pod in istio-system (app=istiod)"). */
  error?: string;
}

export interface PodDriftStatus {
  pod: string;
  namespace: string;
  /** When its config_dump was fetched (ms). */
  fetchedAt?: number;
  /** The dump's newest `version_info` (istiod's push version it holds). */
  configVersion?: string;
  /** Why the dump could not be read. */
  error?: string;
  drift?: PodDrift;
}

/** The `drift` topic and `GET /api/drift`. */
export interface DriftSnapshot {
  version: number;
  computedAt: number;
  pods: PodDriftStatus[];
}
