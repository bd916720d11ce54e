/**
 * Fault switches reachable from outside the process (kubectl, an e2e test runner): annotations on
 * a pod that the kubelet acts on when their value changes. A real cluster ignores them.
 *
 *   kubectl annotate pod P fault.sandbox.gatescope.io/restart=$(date +%s) --overwrite
 *
 * See server/sandbox/faults.md for the list.
 */
import type { StoredObject } from '../api/store';
import { LOAD_LOG_BURST } from './log-burst';

export const FAULT_PREFIX = 'fault.sandbox.gatescope.io/';
export const FAULT_RESTART = `${FAULT_PREFIX}restart`;
export const FAULT_ROTATE_LOG = `${FAULT_PREFIX}rotate-log`;
export const FAULT_CUT_LOG_FOLLOWS = `${FAULT_PREFIX}cut-log-follows`;
export const FAULT_UNREADY = `${FAULT_PREFIX}unready`;
export const FAULT_WRITE_LOG = `${FAULT_PREFIX}write-log`;

export interface FaultTarget {
  restartContainer(namespace: string, name: string, container?: string): Promise<void>;
  rotateLog(namespace: string, name: string, container?: string): void;
  cutLogFollows(namespace: string, name: string): number;
  setContainerUnready(namespace: string, name: string, container: string | undefined, unready?: boolean): void;
  /** Writes one raw line (no newline inside) to the gateway container's log, as if the container printed it. */
  writeLogLine?(namespace: string, name: string, line: string): void;
  /** Load switch (`load.sandbox.gatescope.io/log-burst`, see log-burst.ts). */
  logBurst?(namespace: string, name: string, value: string): void;
}

/**
 * Acts on the fault annotations of `pod` whose values differ from `seen` (updated in place).
 * Values present when the kubelet first sees the pod only set the baseline, except `unready`,
 * which is a state (`true` = every container, or a comma-separated list of container names).
 */
export function applyFaultAnnotations(target: FaultTarget, pod: StoredObject, seen: Map<string, string>, first: boolean): void {
  const ann = pod.metadata.annotations ?? {};
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name;
  const changed = (key: string): boolean => {
    const v = ann[key];
    const before = seen.get(key);
    if (v === undefined) seen.delete(key);
    else seen.set(key, v);
    return !first && v !== undefined && v !== before;
  };
  try {
    if (changed(FAULT_RESTART)) void target.restartContainer(ns, name).catch(() => {});
    if (changed(FAULT_ROTATE_LOG)) target.rotateLog(ns, name);
    if (changed(FAULT_CUT_LOG_FOLLOWS)) target.cutLogFollows(ns, name);
    if (changed(FAULT_WRITE_LOG)) target.writeLogLine?.(ns, name, ann[FAULT_WRITE_LOG]!);
    if (changed(LOAD_LOG_BURST)) target.logBurst?.(ns, name, ann[LOAD_LOG_BURST]!);
    const unready = ann[FAULT_UNREADY];
    if ((unready ?? '') !== seen.get(`${FAULT_UNREADY}#state`) || first) {
      seen.set(`${FAULT_UNREADY}#state`, unready ?? '');
      const containers = ((pod['spec'] as { containers?: Array<{ name: string }> }).containers ?? []).map((c) => c.name);
      const off = unready === undefined || unready === '' || unready === 'false' ? [] : unready === 'true' ? containers : unready.split(',').map((s) => s.trim());
      if (!(first && off.length === 0)) for (const c of containers) target.setContainerUnready(ns, name, c, off.includes(c));
    }
  } catch {
    // A pod that stopped meanwhile: nothing to break.
  }
}
