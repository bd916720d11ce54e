/**
 * The kubelet's in-memory state of one pod it runs: container slots (current and previous
 * instance, restart count, back-off), and how that state reads as containerStatuses.
 */
import type { StoredObject } from '../api/store';
import type { ContainerContext, RunningContainer } from './container';
import type { ContainerLog } from './container-log';
import type { ListenerSet } from './listeners';
import type { ContainerState, ContainerView } from './pod-status';

export type ContainerSpec = ContainerContext['container'];

export const podKey = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

export interface Instance {
  containerID: string;
  log: ContainerLog;
  abort: AbortController;
  listeners: ListenerSet;
  running?: RunningContainer;
  state: ContainerState;
  startedAt?: string;
  ready: boolean;
  readyTouched: boolean;
}

export interface Slot {
  spec: ContainerSpec;
  current?: Instance;
  previous?: Instance;
  restartCount: number;
  backoffMs: number;
  timer?: NodeJS.Timeout;
  forcedUnready: boolean;
  files: Map<string, string>;
}

export interface PodRuntime {
  key: string;
  uid: string;
  pod: StoredObject;
  podIP: string;
  startTime: string;
  slots: Map<string, Slot>;
  stopping: boolean;
  mountError?: string;
  mountSources: Set<string>;
  mountTimer?: NodeJS.Timeout;
  started: boolean;
  /** Last seen values of the fault annotations (fault-annotations.ts). */
  faults: Map<string, string>;
}

/** containerStatuses as a view of the slots (CrashLoopBackOff while a restart waits). */
export function containerViews(rt: PodRuntime): ContainerView[] {
  return [...rt.slots.values()].map((slot) => {
    const cur = slot.current;
    const running = !!cur && 'running' in cur.state;
    const view: ContainerView = {
      name: slot.spec.name,
      image: slot.spec.image,
      containerID: cur && !('waiting' in cur.state) ? cur.containerID : undefined,
      ready: running && cur!.ready && !slot.forcedUnready,
      started: running,
      restartCount: slot.restartCount,
      state: cur ? cur.state : { waiting: { reason: 'ContainerCreating' } },
    };
    if (rt.mountError && !cur) view.state = { waiting: { reason: 'ContainerCreating' } };
    if (slot.timer && cur && 'terminated' in cur.state) {
      view.lastState = cur.state;
      view.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(slot.backoffMs / 1000)}s restarting failed container=${slot.spec.name} pod=${rt.pod.metadata.name}_${rt.pod.metadata.namespace}(${rt.uid})` } };
    } else if (slot.previous && 'terminated' in slot.previous.state) view.lastState = slot.previous.state;
    return view;
  });
}

/** A container whose start() has not resolved by then counts as failed (and is stopped if it resolves later). */
export const START_TIMEOUT_MS = 30_000;

export function startWithin(p: Promise<RunningContainer>, ms: number, name: string): Promise<RunningContainer> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void p.then((r) => r.stop()).catch(() => {});
        reject(new Error(`container ${name} did not start within ${ms / 1000} s`));
      }, ms);
      timer.unref();
    }),
  ]);
}
