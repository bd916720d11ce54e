'use client';
/**
 * Suppressing and unsuppressing a finding from the browser: the object's suppression annotations
 * (lib/analysis/suppress) change, and the change is written like any edit — an update (PUT with
 * the CSRF header) carrying the resourceVersion it was made on. When someone else changed the
 * object meanwhile, the server rebases the annotation change onto theirs (disjoint fields) and
 * it is sent once more on the new version; an overlapping change is reported, never forced.
 */
import { ApiError, updateObject } from '@/components/data/api';
import { PLURAL_OF_KIND, type KubeObject } from '@/components/resources/kinds';
import { withoutSuppression, withSuppression } from '@/lib/analysis/suppress';

export async function writeSuppression(live: KubeObject, code: string, reason: string | null): Promise<KubeObject> {
  const plural = PLURAL_OF_KIND[live.kind ?? ''];
  if (!plural) throw new Error(`gatescope does not write ${live.kind} objects`);
  const change = (o: KubeObject) => (reason === null ? withoutSuppression(o, code) : withSuppression(o, code, reason));
  try {
    return (await updateObject(plural, live, change(live), false)).object;
  } catch (e) {
    const c = e instanceof ApiError ? e.conflict : undefined;
    if (c && c.status !== 'conflict') return (await updateObject(plural, c.live, change(c.live), false)).object;
    throw e;
  }
}
