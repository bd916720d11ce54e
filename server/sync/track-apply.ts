/**
 * After a write from the console (PUT/POST/DELETE of a Gateway, VirtualService or
 * DestinationRule), start a rollout in the sync service so the /sync page shows each gateway
 * pod acknowledging (or rejecting) the new configuration. Dry-runs and failed writes track
 * nothing. Never throws: a console without the sync service still writes.
 */
import { servicesOf } from '../context/access';
import { tryGetRuntime } from '../runtime';
import type { IstiodSync } from './istiod';

export interface TrackedWrite {
  /** `applied` / `deleted` (anything else tracks nothing). */
  status: string;
  /** `true` for a dry-run (a 409's `rebased` answer carries its dry-run result here: not a write either). */
  dryRun?: unknown;
}

/**
 * `appliedAt` is the console's clock taken just before sending the write (see RolloutTracker).
 * The rollout is tracked by the sync service of the context `req` wrote to (the context picker's).
 * Returns the rollout id, or undefined when nothing is tracked.
 */
export function trackWrite(result: TrackedWrite, appliedAt: number, label: string, req?: Request): string | undefined {
  if ((result.status !== 'applied' && result.status !== 'deleted') || result.dryRun === true) return undefined;
  const rt = tryGetRuntime();
  if (!rt) return undefined;
  try {
    const sync: IstiodSync | undefined = servicesOf(req, rt).sync;
    if (!sync || typeof sync.trackRollout !== 'function') return undefined;
    return sync.trackRollout(appliedAt, label).id;
  } catch {
    return undefined;
  }
}
