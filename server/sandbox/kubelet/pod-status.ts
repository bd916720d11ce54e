/**
 * Pod status as the kubelet reports it (k8s.io/kubernetes/pkg/kubelet/status and
 * kuberuntime's container statuses): phase, the five conditions, containerStatuses with state /
 * lastState, podIP(s), hostIP(s), startTime, qosClass.
 */
import { createHash } from 'node:crypto';

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt: string; containerID?: string } };

export interface ContainerView {
  name: string;
  image: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState?: ContainerState;
}

export interface PodView {
  podIP?: string;
  hostIP: string;
  startTime?: string;
  containers: ContainerView[];
  /** Set when volumes could not be mounted yet. */
  mountError?: string;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** Docker-Hub style image reference with a digest derived from the name (stable per image). */
export function imageID(image: string): string {
  const ref = image.includes('/') ? (image.split('/')[0]!.includes('.') ? image : `docker.io/${image}`) : `docker.io/library/${image}`;
  const repo = ref.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function containerStatus(c: ContainerView): Record<string, unknown> {
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState ?? {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.containerID ? imageID(c.image) : '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.started,
  };
}

/**
 * The status object for `view`, keeping lastTransitionTime of conditions whose status did not
 * change since `previous`.
 */
export function buildPodStatus(view: PodView, previous: Record<string, unknown> | undefined, now: string): Record<string, unknown> {
  const cs = view.containers;
  const allReady = cs.length > 0 && cs.every((c) => c.ready);
  const anyStarted = cs.some((c) => 'running' in c.state || c.restartCount > 0);
  const notReady = cs.filter((c) => !c.ready).map((c) => c.name);
  const notReadyMsg = `containers with unready status: [${notReady.join(' ')}]`;
  const prevConds = new Map(((previous?.['conditions'] as Condition[] | undefined) ?? []).map((c) => [c.type, c]));
  const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const status = ok ? 'True' : 'False';
    const prev = prevConds.get(type);
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const sandboxReady = view.podIP !== undefined;
  const conditions: Condition[] = [
    cond('PodReadyToStartContainers', sandboxReady),
    cond('Initialized', true),
    cond('Ready', allReady, 'ContainersNotReady', notReadyMsg),
    cond('ContainersReady', allReady, 'ContainersNotReady', notReadyMsg),
    cond('PodScheduled', true),
  ];
  const status: Record<string, unknown> = {
    phase: anyStarted ? 'Running' : 'Pending',
    conditions,
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
  };
  if (view.podIP) {
    status['podIP'] = view.podIP;
    status['podIPs'] = [{ ip: view.podIP }];
  }
  if (view.startTime) status['startTime'] = view.startTime;
  status['containerStatuses'] = cs.map(containerStatus);
  status['qosClass'] = 'BestEffort';
  return status;
}
