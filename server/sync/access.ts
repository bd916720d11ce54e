/** The runtime's istiod sync service, for route handlers. */
import { getRuntime } from '../runtime';
import { HttpError } from '../kube/runtime-access';
import type { IstiodSync } from './istiod';

export function getSync(): IstiodSync {
  const sync = getRuntime().services.sync as IstiodSync | undefined;
  if (!sync) throw new HttpError(503, 'the sync status service is not running');
  return sync;
}
