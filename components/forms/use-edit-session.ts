'use client';
/**
 * One edit of one object, as lib/editing models it (base, draft, live), kept in localStorage
 * per cluster context and object so that a reload, a crash or a failed apply never loses it.
 *
 * - Editing: base and draft start as the live object. While the draft has no change, a newer
 *   live object simply replaces both (nothing to lose); once it has, live is only recorded and
 *   the page shows what changed on the server.
 * - Creating: the draft starts from an empty object of the kind, or from a copy (Clone).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useConnectionState } from '@/components/data/use-stream';
import { useResources } from '@/components/data/use-resources';
import { KINDS, type EditablePlural, type KubeObject } from '@/components/resources/kinds';
import { diff } from '@/lib/editing/diff';
import { applied, cloneEdit, draftKey, isDirty, loadEdit, newEdit, observeLive, openEdit, saveEdit, type EditState } from '@/lib/editing/draft';
import { deepEqual } from '@/lib/editing/json';

export type SessionTarget =
  | { mode: 'edit'; plural: EditablePlural; namespace: string; name: string }
  | { mode: 'create'; plural: EditablePlural; namespace?: string; cloneFrom?: { namespace: string; name: string } };

export interface EditSession {
  /** Undefined while the live object (or the clone source) is loading. */
  state?: EditState<KubeObject>;
  /** The object to edit does not exist (edit mode), or the clone source does not. */
  notFound: boolean;
  /** The draft was restored from storage, saved at this time. */
  restoredAt?: number;
  creating: boolean;
  /** Whether applying would change anything. */
  dirty: boolean;
  setDraft(next: KubeObject | ((d: KubeObject) => KubeObject)): void;
  /** Replace the whole state (after a rebase, an apply, a conflict resolution). */
  replace(state: EditState<KubeObject>): void;
  /** Drop the draft: back to the live object (or the empty template). */
  discard(): void;
  /** After a successful apply of an update: the server's object becomes base, draft and live. */
  appliedUpdate(obj: KubeObject): void;
  /** After a successful create: forget the stored draft. */
  forget(): void;
  storageKey?: string;
}

function storageKey(context: string, t: SessionTarget): string {
  if (t.mode === 'edit') return draftKey(context, t);
  const name = t.cloneFrom ? `~clone~${t.cloneFrom.namespace}~${t.cloneFrom.name}` : '~new';
  return draftKey(context, { plural: t.plural, namespace: t.namespace ?? '~', name });
}

function readStorage(key: string) {
  try {
    return loadEdit<KubeObject>(window.localStorage.getItem(key));
  } catch {
    return undefined;
  }
}

function writeStorage(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage full or disabled: the draft lives in memory only
  }
}

export function useEditSession(target: SessionTarget): EditSession {
  const { context } = useConnectionState();
  const list = useResources(target.plural);
  const find = (ns: string, name: string) => list.items.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
  const live = target.mode === 'edit' ? find(target.namespace, target.name) : undefined;
  const source = target.mode === 'create' && target.cloneFrom ? find(target.cloneFrom.namespace, target.cloneFrom.name) : undefined;
  const key = context ? storageKey(context, target) : undefined;

  const [state, setState] = useState<EditState<KubeObject> | undefined>();
  const [initial, setInitial] = useState<KubeObject | undefined>();
  const [restoredAt, setRestoredAt] = useState<number | undefined>();
  const [startedFor, setStartedFor] = useState<string | undefined>();

  // Start (or restart when the target changes): from storage, else from live / template / clone source.
  const ready = !!key && list.loaded;
  if (ready && startedFor !== key) {
    const saved = readStorage(key);
    let template: KubeObject | undefined;
    if (target.mode === 'create') {
      template = target.cloneFrom
        ? source && (cloneEdit(source, { name: `${source.metadata.name}-copy`, namespace: source.metadata.namespace }).draft as KubeObject)
        : KINDS[target.plural].empty(target.namespace ?? 'default');
    }
    if (target.mode === 'create' && template) {
      setStartedFor(key);
      setInitial(template);
      if (saved && !deepEqual(saved.state.draft, template)) {
        setState(newEdit(saved.state.draft));
        setRestoredAt(saved.savedAt);
      } else setState(newEdit(template));
    } else if (target.mode === 'edit') {
      if (saved?.state.base && isDirty(saved.state)) {
        setStartedFor(key);
        setState(observeLive(saved.state, live ?? null));
        setRestoredAt(saved.savedAt);
      } else if (live) {
        setStartedFor(key);
        setState(openEdit(live));
      }
    }
  }

  // Follow the live object: record it; replace a pristine draft.
  const liveRv = live?.metadata.resourceVersion;
  if (state && target.mode === 'edit' && startedFor === key) {
    const known = state.live ? state.live.metadata.resourceVersion : state.live;
    const now = live ? liveRv : null;
    if (known !== now) {
      if (live && !isDirty(state)) setState(openEdit(live));
      else setState(observeLive(state, live ?? null));
    }
  }

  const dirty = !!state && (target.mode === 'create' ? !!initial && !deepEqual(state.draft, initial) : isDirty(state));

  // Keep the draft in storage while it holds changes, written at once (a small JSON; a reload
  // right after a keystroke or a resolution must find exactly what the page showed).
  useEffect(() => {
    if (!key || !state || startedFor !== key) return;
    writeStorage(key, dirty ? saveEdit(state, Date.now()) : null);
  }, [key, state, dirty, startedFor]);

  const setDraft = useCallback((next: KubeObject | ((d: KubeObject) => KubeObject)) => {
    setState((s) => (s ? { ...s, draft: typeof next === 'function' ? next(s.draft) : next } : s));
  }, [setState]);

  const discard = useCallback(() => {
    if (key) writeStorage(key, null);
    setRestoredAt(undefined);
    if (target.mode === 'edit') setState(live ? openEdit(live) : undefined);
    else if (initial) setState(newEdit(initial));
  }, [key, live, initial, target.mode, setState, setRestoredAt]);

  const appliedUpdate = useCallback(
    (obj: KubeObject) => {
      if (key) writeStorage(key, null);
      setRestoredAt(undefined);
      setState(applied(obj));
    },
    [key, setState, setRestoredAt],
  );

  const forget = useCallback(() => {
    if (key) writeStorage(key, null);
  }, [key]);

  const notFound = ready && (target.mode === 'edit' ? !state && !live : !!target.cloneFrom && !source && !state);

  return useMemo(
    () => ({
      state,
      notFound,
      restoredAt,
      creating: target.mode === 'create',
      dirty,
      setDraft,
      replace: setState,
      discard,
      appliedUpdate,
      forget,
      storageKey: key,
    }),
    [state, notFound, restoredAt, target.mode, dirty, setDraft, setState, discard, appliedUpdate, forget, key],
  );
}

/** What the user changed so far, as lib/editing's readable changes. */
export function pendingDiff(state: EditState<KubeObject> | undefined) {
  return state ? diff(state.base ?? {}, state.draft) : [];
}
