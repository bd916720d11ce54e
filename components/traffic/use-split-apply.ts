'use client';
/**
 * The split slider of one route on the Traffic page, as an edit: the object the user saw when
 * first moving the slider is the base; the draft is that object with only the route's weights
 * changed (lib/editing/route-weights); Apply is the forms' path — a server dry-run, then the
 * update carrying the base's resourceVersion (app/api/resources, server/kube/apply). A 409 keeps
 * the slider where the user put it and says what changed on the server; a 403 shows the
 * server's words. The user's permission is asked as the forms ask it (`/api/access`).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, checkAccess, updateObject, type AccessAnswer, type ConflictAnswer } from '@/components/data/api';
import { useResources } from '@/components/data/use-resources';
import type { KubeObject } from '@/components/resources/kinds';
import { deepEqual } from '@/lib/editing/json';
import { describeWeightChanges, readRouteWeights, routeWeightsTarget, weightChanges, withRouteWeights, type RouteWeights, type RouteWeightsTarget } from '@/lib/editing/route-weights';

export type SplitOutcome =
  | { kind: 'idle' }
  | { kind: 'running'; action: 'dry-run' | 'apply' }
  | { kind: 'applied'; resourceVersion?: string; summary: string }
  | { kind: 'failed'; action: 'dry-run' | 'apply'; error: ApiError }
  | { kind: 'conflict'; answer: ConflictAnswer };

export interface SplitEdit {
  target?: RouteWeightsTarget;
  /** The object whose weights the slider starts from (the user's base while an edit is pending). */
  object?: KubeObject;
  /** Its weights, labels… (undefined: no split there any more, or not loaded). */
  route?: RouteWeights;
  /** What the slider shows: the user's weights, or the object's. */
  weights: number[];
  dirty: boolean;
  /** `v1 80 → 50, v2 20 → 50` */
  preview: string;
  /** The live object moved on since the user started this edit (Apply will answer 409). */
  liveMoved: boolean;
  /** Why the slider cannot be used, if it cannot. */
  disabledReason?: string;
  access?: AccessAnswer;
  outcome: SplitOutcome;
  busy: boolean;
  setWeights(next: number[]): void;
  reset(): void;
  apply(): void;
  /** After a 409: take the server's object as base and apply the user's weights onto it. */
  applyOntoLive(): void;
  dismiss(): void;
}

const PLURAL = 'virtualservices';

export function useSplitEdit(routeId: string, destinations: number): SplitEdit {
  const target = routeWeightsTarget(routeId);
  const list = useResources(PLURAL);
  const live = target ? list.items.find((o) => o.metadata.namespace === target.namespace && o.metadata.name === target.name) : undefined;
  const access = useQuery({
    // The forms' key: one answer per object, shared with its editor page.
    queryKey: ['gatescope', 'access', 'update', PLURAL, target?.namespace ?? '', target?.name ?? ''],
    queryFn: () => checkAccess({ verb: 'update', plural: PLURAL, namespace: target!.namespace, name: target!.name }),
    enabled: !!target,
    staleTime: 60_000,
  });
  const queryClient = useQueryClient();

  /** The user's edit: the object they started from and their weights. */
  const [edit, setEdit] = useState<{ base: KubeObject; weights: number[] } | undefined>();
  /** What our last apply stored, shown until the watch delivers it (or something newer). */
  const [held, setHeld] = useState<{ object: KubeObject; replaces?: string } | undefined>();
  const [outcome, setOutcome] = useState<SplitOutcome>({ kind: 'idle' });
  if (held && live?.metadata.resourceVersion !== held.replaces) setHeld(undefined);

  const current = held?.object ?? live;
  const object = edit?.base ?? current;
  const route = target && object ? readRouteWeights(object, target) : undefined;
  const weights = edit?.weights ?? route?.weights ?? [];
  const dirty = !!edit && !!route && !deepEqual(edit.weights, route.weights);
  const preview = route && dirty ? describeWeightChanges(weightChanges(route.short, route.weights, weights)) : '';
  const liveMoved = !!edit && !!current && current.metadata.resourceVersion !== edit.base.metadata.resourceVersion;

  let disabledReason: string | undefined;
  if (!target) disabledReason = 'this route is not one the console can edit';
  else if (!list.loaded) disabledReason = 'loading the VirtualService…';
  else if (!object) disabledReason = `VirtualService ${target.namespace}/${target.name} is not in the console's cache`;
  else if (!route || route.weights.length !== destinations) disabledReason = 'the route changed since this traffic was counted';
  else if (access.data && !access.data.allowed) disabledReason = access.data.reason ?? 'you may not change this VirtualService';

  const setWeights = (next: number[]) => {
    if (!object || !route || !target) return;
    setOutcome((o) => (o.kind === 'applied' || o.kind === 'failed' ? { kind: 'idle' } : o));
    const base = edit?.base ?? object;
    const start = readRouteWeights(base, target)?.weights;
    setEdit(start && deepEqual(start, next) ? undefined : { base, weights: next });
  };

  const run = async (base: KubeObject, draft: KubeObject, summary: string) => {
    let action: 'dry-run' | 'apply' = 'dry-run';
    try {
      setOutcome({ kind: 'running', action });
      await updateObject(PLURAL, base, draft, true);
      action = 'apply';
      setOutcome({ kind: 'running', action });
      const r = await updateObject(PLURAL, base, draft, false);
      setHeld({ object: r.object, replaces: base.metadata.resourceVersion });
      setEdit(undefined);
      setOutcome({ kind: 'applied', resourceVersion: r.object.metadata.resourceVersion, summary });
      void queryClient.invalidateQueries({ queryKey: ['gatescope', 'object'] });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
      // The slider keeps the user's weights whatever happened.
      setOutcome(err.conflict ? { kind: 'conflict', answer: err.conflict } : { kind: 'failed', action, error: err });
    }
  };

  const apply = () => {
    if (!edit || !target) return;
    const draft = withRouteWeights(edit.base, target, edit.weights);
    if (!draft) return;
    void run(edit.base, draft, preview);
  };

  const applyOntoLive = () => {
    if (!edit || !target || outcome.kind !== 'conflict') return;
    const { answer } = outcome;
    // Rebased: the server's merge of both edits. Otherwise: the user's weights written onto the
    // server's object (their weights win at exactly these fields, nothing else is touched).
    const draft = answer.status === 'rebased' ? answer.merged : withRouteWeights(answer.live, target, edit.weights);
    const before = readRouteWeights(answer.live, target);
    if (!draft || !before) {
      setOutcome({ kind: 'failed', action: 'apply', error: new ApiError(409, 'the route no longer has these destinations on the server: reload the page and set the split again') });
      return;
    }
    setEdit({ base: answer.live, weights: edit.weights });
    void run(answer.live, draft, describeWeightChanges(weightChanges(before.short, before.weights, edit.weights)));
  };

  return {
    target,
    object,
    route,
    weights,
    dirty,
    preview,
    liveMoved,
    disabledReason,
    access: access.data,
    outcome,
    busy: outcome.kind === 'running',
    setWeights,
    reset: () => {
      setEdit(undefined);
      setOutcome({ kind: 'idle' });
    },
    apply,
    applyOntoLive,
    dismiss: () => setOutcome({ kind: 'idle' }),
  };
}
