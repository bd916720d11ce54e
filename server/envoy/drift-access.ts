/** The runtime's drift service, for route handlers. */
import { getRuntime } from '../runtime';
import { HttpError } from '../kube/runtime-access';
import type { DriftService } from './drift';

export function getDrift(): DriftService {
  const drift = getRuntime().services.drift as DriftService | undefined;
  if (!drift) throw new HttpError(503, 'the drift service is not running');
  return drift;
}
