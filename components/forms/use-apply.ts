'use client';
/**
 * The apply pipeline of one edit session: server dry-run, apply (an update carrying the
 * resourceVersion the user edited, or a create), and what came back — field causes that land on
 * their fields, or on 409 the server's changes with the rebased draft to confirm or the conflicts
 * (the draft is kept either way; nothing is ever forced).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { ApiError, createObject, rebaseObject, updateObject, type ConflictAnswer } from '@/components/data/api';
import { editorHref, type EditablePlural, type KubeObject } from '@/components/resources/kinds';
import { diff, type Change } from '@/lib/editing/diff';
import { deepEqual } from '@/lib/editing/json';
import { rebase } from '@/lib/editing/rebase';
import { getAt, setAt } from '@/lib/editing/path';
import { getIn, parsePath } from './object-path';
import type { EditSession } from './use-edit-session';
import type { Issue } from './validation';

export type Outcome =
  | { kind: 'idle' }
  | { kind: 'running'; action: 'dry-run' | 'apply' | 'rebase' }
  | { kind: 'dry-run-ok'; object: KubeObject; warnings: string[]; changes: Change[] }
  | { kind: 'applied'; object: KubeObject; created: boolean; warnings: string[] }
  | { kind: 'failed'; action: 'dry-run' | 'apply' | 'rebase'; error: ApiError }
  | { kind: 'conflict'; answer: ConflictAnswer };

interface ServerCause {
  field: string;
  message: string;
  reason?: string;
  /** The value the cause was about: the cause shows while the field still holds it. */
  value: unknown;
}

export interface ApplyPipeline {
  outcome: Outcome;
  busy: boolean;
  dryRun(): void;
  apply(): void;
  /** Ask the server to rebase the draft onto its current object (live moved on). */
  rebaseNow(): void;
  /** Take the rebased draft (base becomes the server's object) and, with `andApply`, apply it. */
  acceptRebased(andApply: boolean): void;
  /** Resolve every conflict one way; base becomes the server's object, the user reviews and applies. */
  resolveConflicts(take: 'mine' | 'theirs'): void;
  dismiss(): void;
  /** Issues from the server's last answer still relevant to the draft. */
  serverIssues: Issue[];
}

export function useApplyPipeline(plural: EditablePlural, session: EditSession): ApplyPipeline {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [causes, setCauses] = useState<ServerCause[]>([]);
  const router = useRouter();
  const queryClient = useQueryClient();
  const { state, creating } = session;

  const run = useCallback(
    async (action: 'dry-run' | 'apply', base: KubeObject | undefined, draft: KubeObject) => {
      setOutcome({ kind: 'running', action });
      setCauses([]);
      try {
        const dry = action === 'dry-run';
        const r = creating || !base ? await createObject(plural, draft, dry) : await updateObject(plural, base, draft, dry);
        if (dry) {
          setOutcome({ kind: 'dry-run-ok', object: r.object, warnings: r.warnings ?? [], changes: diff(base ?? {}, r.object) });
          return;
        }
        setOutcome({ kind: 'applied', object: r.object, created: r.created, warnings: r.warnings ?? [] });
        void queryClient.invalidateQueries({ queryKey: ['gatescope', 'object'] });
        if (creating) {
          session.forget();
          const { namespace = '', name } = r.object.metadata;
          router.push(`${editorHref(plural, namespace, name)}?created=1`);
        } else session.appliedUpdate(r.object);
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
        if (err.conflict) {
          setOutcome({ kind: 'conflict', answer: err.conflict });
          return;
        }
        setCauses(err.causes.map((c) => ({ ...c, value: c.field ? getIn(draft, parsePath(c.field)) : undefined })));
        setOutcome({ kind: 'failed', action, error: err });
      }
    },
    [plural, creating, session, router, queryClient],
  );

  const dryRun = useCallback(() => {
    if (state) void run('dry-run', state.base, state.draft);
  }, [run, state]);
  const apply = useCallback(() => {
    if (state) void run('apply', state.base, state.draft);
  }, [run, state]);

  const rebaseNow = useCallback(async () => {
    if (!state?.base) return;
    setOutcome({ kind: 'running', action: 'rebase' });
    try {
      setOutcome({ kind: 'conflict', answer: await rebaseObject(plural, state.base, state.draft) });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
      setOutcome(err.conflict ? { kind: 'conflict', answer: err.conflict } : { kind: 'failed', action: 'rebase', error: err });
    }
  }, [plural, state]);

  const acceptRebased = useCallback(
    (andApply: boolean) => {
      if (outcome.kind !== 'conflict' || outcome.answer.status !== 'rebased') return;
      const { live, merged } = outcome.answer;
      session.replace({ base: live, draft: merged, live });
      if (andApply) void run('apply', live, merged);
      else setOutcome({ kind: 'idle' });
    },
    [outcome, session, run],
  );

  const resolveConflicts = useCallback(
    (take: 'mine' | 'theirs') => {
      if (!state?.base || outcome.kind !== 'conflict' || outcome.answer.status !== 'conflict') return;
      const { live, conflicts } = outcome.answer;
      let base: KubeObject = state.base;
      let draft: KubeObject = state.draft;
      for (const c of conflicts) {
        // Make both sides agree at the conflicting path, then the three-way merge goes through.
        if (take === 'theirs') draft = setAt(draft, c.path, getAt(live, c.path));
        else base = setAt(base, c.path, getAt(live, c.path));
      }
      const r = rebase(base, draft, live);
      if (r.status === 'rebased') {
        session.replace({ base: live, draft: r.merged, live });
        setOutcome({ kind: 'idle' });
      } else {
        setOutcome({ kind: 'conflict', answer: { status: 'conflict', conflicts: r.conflicts, live, theirs: r.theirs } });
      }
    },
    [outcome, session, state],
  );

  // The API server's "some validation rules were not checked" only says other causes exist.
  const meaningful = causes
    .filter((c) => c.field || !c.message.includes('validation rules were not checked') || causes.length === 1)
    .filter((c, i, all) => all.findIndex((d) => d.field === c.field && d.message === c.message) === i);
  const serverIssues: Issue[] = state
    ? meaningful
        .filter((c) => !c.field || deepEqual(getIn(state.draft, parsePath(c.field)), c.value))
        .map((c) => ({ path: c.field, level: 'Error', code: c.reason ?? 'Invalid', message: c.message, source: 'server', blocking: false }))
    : [];

  return {
    outcome,
    busy: outcome.kind === 'running',
    dryRun,
    apply,
    rebaseNow: () => void rebaseNow(),
    acceptRebased,
    resolveConflicts,
    dismiss: () => setOutcome({ kind: 'idle' }),
    serverIssues,
  };
}
