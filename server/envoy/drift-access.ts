/** The drift service of the request's context, for route handlers. */
import { servicesOf } from '../context/access';
import { HttpError } from '../kube/runtime-access';
import type { DriftService } from './drift';

export function getDrift(req?: Request): DriftService {
  const drift = servicesOf(req).drift;
  if (!drift) throw new HttpError(503, 'the drift service is not running');
  return drift;
}
