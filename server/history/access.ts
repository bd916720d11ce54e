/** The history recorder of the request's context, for route handlers. */
import { servicesOf } from '../context/access';
import { HttpError } from '../kube/runtime-access';
import type { HistoryRecorder } from './recorder';

export function getHistory(req?: Request): HistoryRecorder {
  const h = servicesOf(req).history;
  if (!h) throw new HttpError(503, 'the history recorder is not running');
  return h;
}
