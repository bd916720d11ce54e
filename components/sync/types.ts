/**
 * What the `sync` and `drift` topics carry, as the browser reads them: the shapes live in
 * lib/sync/snapshot.ts, shared with the server that builds them.
 */
import { CORE_XDS_TYPES } from '@/lib/sync/snapshot';

export type {
  DriftSnapshot,
  IstiodStatus,
  PodDriftStatus,
  ProxySync,
  RolloutPodState,
  RolloutStatus,
  SyncSnapshot,
  XdsState,
  XdsTypeStatus,
} from '@/lib/sync/snapshot';

/** The xDS columns every table shows (SDS only in a proxy's detail). */
export const XDS_COLUMNS = CORE_XDS_TYPES as readonly ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'];
export type XdsColumn = (typeof XDS_COLUMNS)[number];
