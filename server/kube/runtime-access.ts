/** Typed access to the runtime's services for route handlers. */
import { getRuntime } from '../runtime';
import type { ClusterCache } from './cache';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getCache(): ClusterCache {
  const cache = getRuntime().services.cache as ClusterCache | undefined;
  if (!cache) throw new HttpError(503, 'the cluster cache is not running');
  return cache;
}

/** Resolves a plural the console watches, or throws 404. */
export function watchedPlural(plural: string): string {
  if (!getCache().informers.has(plural)) throw new HttpError(404, `the console does not serve "${plural}"`);
  return plural;
}

export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) return Response.json({ error: err.message }, { status: err.status });
  console.error(err);
  return Response.json({ error: (err as Error).message ?? 'internal error' }, { status: 500 });
}
