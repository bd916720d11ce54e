/** The istiod sync service of the request's context, for route handlers. */
import { servicesOf } from '../context/access';
import { HttpError } from '../kube/runtime-access';
import type { IstiodSync } from './istiod';

export function getSync(req?: Request): IstiodSync {
  const sync = servicesOf(req).sync;
  if (!sync) throw new HttpError(503, 'the sync status service is not running');
  return sync;
}
