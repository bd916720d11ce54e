'use client';
/**
 * Calls to the console's editing API (app/api/resources/**, app/api/access). Every mutating
 * request carries the CSRF header the server requires; every error answer becomes an
 * `ApiError` with the server's reason, field causes and — for a 409 on an update — the
 * server's object and either the draft rebased onto it or the conflicts.
 */
import type { Change } from '@/lib/editing/diff';
import type { Conflict } from '@/lib/editing/rebase';
import type { EditablePlural, KubeObject } from '@/components/resources/kinds';

export interface FieldCauseJson {
  /** Kubernetes field path (`spec.http[0].route[0].weight`), `''` when the cause names none. */
  field: string;
  message: string;
  reason?: string;
}

/** What a 409 on an update carries (server/http/resource-writes.ts). */
export type ConflictAnswer =
  | { status: 'rebased'; merged: KubeObject; live: KubeObject; diff: Change[]; theirs: Change[]; dryRun?: { ok: boolean; error?: { message: string; causes?: FieldCauseJson[] } } }
  | { status: 'conflict'; conflicts: Conflict[]; live: KubeObject; theirs: Change[] }
  | { status: 'stale'; live: KubeObject; theirs: Change[] };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
    readonly causes: FieldCauseJson[] = [],
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The 409 answer of an update (rebased / conflict / stale), if this is one. */
  get conflict(): ConflictAnswer | undefined {
    const s = this.body?.status;
    return this.status === 409 && (s === 'rebased' || s === 'conflict' || s === 'stale') ? (this.body as unknown as ConflictAnswer) : undefined;
  }
}

const CSRF = { 'x-gatescope-csrf': '1' };

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const mutating = init.method && init.method !== 'GET';
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(mutating ? CSRF : {}), ...(init.headers ?? {}) },
    });
  } catch (e) {
    throw new ApiError(0, `The console did not answer: ${(e as Error).message}`, 'NetworkError');
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown> & { error?: string; message?: string; reason?: string; causes?: FieldCauseJson[] };
    throw new ApiError(res.status, b.error ?? b.message ?? (text || `HTTP ${res.status}`), b.reason, b.causes ?? [], b);
  }
  return body as T;
}

export function objectUrl(plural: EditablePlural, namespace: string, name: string): string {
  return `/api/resources/${plural}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export interface Applied {
  status: 'applied';
  object: KubeObject;
  dryRun: boolean;
  created: boolean;
  warnings: string[];
}

/** Update of `base` to `draft`, with base's resourceVersion as precondition. */
export function updateObject(plural: EditablePlural, base: KubeObject, draft: KubeObject, dryRun: boolean): Promise<Applied> {
  const { namespace = '', name } = base.metadata;
  return call<Applied>(`${objectUrl(plural, namespace, name)}${dryRun ? '?dryRun=All' : ''}`, { method: 'PUT', body: JSON.stringify({ base, draft }) });
}

export function createObject(plural: EditablePlural, draft: KubeObject, dryRun: boolean): Promise<Applied> {
  return call<Applied>(`/api/resources/${plural}${dryRun ? '?dryRun=All' : ''}`, { method: 'POST', body: JSON.stringify({ draft }) });
}

/** Delete the version the user saw (a change since makes it fail with 409). */
export function deleteObject(plural: EditablePlural, namespace: string, name: string, resourceVersion: string): Promise<unknown> {
  return call(`${objectUrl(plural, namespace, name)}?resourceVersion=${encodeURIComponent(resourceVersion)}`, { method: 'DELETE' });
}

/** The draft rebased onto the server's object now (writes nothing); a conflict comes back as an ApiError 409. */
export function rebaseObject(plural: EditablePlural, base: KubeObject, draft: KubeObject): Promise<Extract<ConflictAnswer, { status: 'rebased' }>> {
  const { namespace = '', name } = base.metadata;
  return call(`${objectUrl(plural, namespace, name)}/rebase`, { method: 'POST', body: JSON.stringify({ base, draft }) });
}

export interface AccessAnswer {
  allowed: boolean;
  reason?: string;
  deniedBy?: 'rbac' | 'read-only' | 'not-writable';
}

export function checkAccess(params: { verb: string; plural: string; namespace?: string; name?: string }): Promise<AccessAnswer> {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]);
  return call<AccessAnswer>(`/api/access?${q}`);
}
