/** The runtime's history recorder, for route handlers. */
import { HttpError } from '../kube/runtime-access';
import { getRuntime } from '../runtime';
import type { HistoryRecorder } from './recorder';

export function getHistory(): HistoryRecorder {
  const h = getRuntime().services.history as HistoryRecorder | undefined;
  if (!h) throw new HttpError(503, 'the history recorder is not running');
  return h;
}
