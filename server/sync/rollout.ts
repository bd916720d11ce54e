/**
 * Rollout tracking: after an apply, has each gateway pod acknowledged configuration newer than
 * the apply, or rejected it?
 *
 * istiod pushes after a change (debounced), so a pod has the new config once, for some xDS type,
 * istiod sent a response *after* the apply and the pod ACKed every type it was sent. "After the
 * apply" is read per type:
 * - from istiod's `sentTime` when it reports one (current istiod): at or after the apply time
 *   (minus `clockSkewMs`). This is exact even when the push landed before the rollout's first
 *   poll, and ignores an unrelated push made between the last poll and the apply. It compares
 *   istiod's clock with the console's: pass the time taken just *before* sending the apply, and
 *   raise clockSkewMs if the clocks disagree by more than istiod's debounce (100 ms);
 * - otherwise (Istio ≤ 1.14) from the sent nonce: different from the one seen when the rollout
 *   began (nonces are compared for equality only: their format changed across versions).
 * A pod with a `lastError` on any type after a new push has NACKed (it keeps serving its
 * previous config). Acknowledged is final for a pod; NACK is not (a restarted pod gets a full push
 * and may then ACK). A pod that leaves syncz is `gone`; a gateway pod that appears during the
 * rollout (a replacement) joins it: whatever it was sent is newer than the apply.
 *
 * Pure: time comes in as parameters.
 */
import { XDS_TYPES, type ProxySync, type XdsType } from './syncz';

export type { RolloutPodState, RolloutPod, RolloutStatus } from '../../lib/sync/snapshot';
import type { RolloutPod, RolloutStatus } from '../../lib/sync/snapshot';

export interface RolloutTrackerOptions {
  /** Which proxies count (default: proxy_type router, or a pod name containing "gateway" on old istiods). */
  isGateway?: (p: ProxySync) => boolean;
  /** A rollout not done after this long is closed as timed out (default 5 min). */
  timeoutMs?: number;
  /** Finished rollouts kept for the UI (default 10). */
  keep?: number;
  /** How far istiod's clock may be behind the console's (ms, default 0): see above. */
  clockSkewMs?: number;
  /**
   * After a pod left, how long to wait for a replacement before the rollout may finish with
   * fewer pods than it began with (default 10 s): a restarted pod's replacement connects to
   * istiod a moment after the old one is gone.
   */
  replacementGraceMs?: number;
}

export const defaultIsGateway = (p: ProxySync) => (p.proxyType ? p.proxyType === 'router' : /gateway/.test(p.pod));

interface Tracked {
  status: RolloutStatus;
  baseline: Map<string, Partial<Record<XdsType, string | undefined>>>;
  /** Gateway pods when the rollout began. */
  initial: number;
}

function newPush(p: ProxySync, base: Partial<Record<XdsType, string | undefined>> | undefined, since: number): boolean {
  for (const t of XDS_TYPES) {
    const s = p.types[t];
    if (!s?.sent) continue;
    if (s.sentTime !== undefined) {
      if (s.sentTime >= since) return true;
    } else if (!base || s.sent !== base[t]) return true;
  }
  return false;
}

function nackOf(p: ProxySync): string | undefined {
  for (const t of XDS_TYPES) {
    const s = p.types[t];
    if (s?.error) return `${t}: ${s.error}`;
  }
  return undefined;
}

const allAcked = (p: ProxySync) => Object.values(p.types).every((s) => !s?.sent || s.sent === s.acked);

export class RolloutTracker {
  private readonly rollouts: Tracked[] = [];
  private seq = 0;
  private readonly isGateway: (p: ProxySync) => boolean;
  private readonly timeoutMs: number;
  private readonly keep: number;
  private readonly skew: number;
  private readonly graceMs: number;

  constructor(opts: RolloutTrackerOptions = {}) {
    this.graceMs = opts.replacementGraceMs ?? 10_000;
    this.isGateway = opts.isGateway ?? defaultIsGateway;
    this.timeoutMs = opts.timeoutMs ?? 5 * 60_000;
    this.keep = opts.keep ?? 10;
    this.skew = opts.clockSkewMs ?? 0;
  }

  /**
   * Starts tracking an apply made at `appliedAt` (ms). `rows` is the sync state known now (the
   * baseline of nonces); pass undefined when none is known yet.
   */
  begin(appliedAt: number, rows: ProxySync[] | undefined, now: number, label?: string): RolloutStatus {
    const baseline = new Map<string, Partial<Record<XdsType, string | undefined>>>();
    const pods: RolloutPod[] = [];
    for (const p of rows ?? []) {
      if (!this.isGateway(p)) continue;
      baseline.set(p.proxy, Object.fromEntries(XDS_TYPES.map((t) => [t, p.types[t]?.sent])));
      pods.push({ proxy: p.proxy, pod: p.pod, namespace: p.namespace, state: 'pending' });
    }
    const status: RolloutStatus = { id: `rollout-${++this.seq}`, label, appliedAt, done: false, timedOut: false, pods, counts: { pending: pods.length, acked: 0, nack: 0, gone: 0 } };
    this.rollouts.push({ status, baseline, initial: pods.length });
    if (rows) this.apply(this.rollouts.at(-1)!, rows, now);
    this.trim();
    return status;
  }

  /** Feeds the latest sync rows; returns true when any rollout changed. */
  update(rows: ProxySync[], now: number): boolean {
    let changed = false;
    for (const r of this.rollouts) if (!r.status.done && this.apply(r, rows, now)) changed = true;
    return changed;
  }

  /** Rollouts not yet done (the poller keeps polling while there are some). */
  get active(): number {
    return this.rollouts.filter((r) => !r.status.done).length;
  }

  list(): RolloutStatus[] {
    return this.rollouts.map((r) => r.status);
  }

  get(id: string): RolloutStatus | undefined {
    return this.rollouts.find((r) => r.status.id === id)?.status;
  }

  private apply(r: Tracked, rows: ProxySync[], now: number): boolean {
    const s = r.status;
    const before = JSON.stringify(s.pods);
    const byProxy = new Map(rows.filter((p) => this.isGateway(p)).map((p) => [p.proxy, p]));
    for (const p of byProxy.values()) {
      if (!s.pods.some((x) => x.proxy === p.proxy)) s.pods.push({ proxy: p.proxy, pod: p.pod, namespace: p.namespace, state: 'pending' });
    }
    for (const pod of s.pods) {
      if (pod.state === 'acked') continue;
      const p = byProxy.get(pod.proxy);
      if (!p) {
        if (pod.state !== 'gone') pod.goneAt = now;
        pod.state = 'gone';
        continue;
      }
      if (!newPush(p, r.baseline.get(p.proxy), s.appliedAt - this.skew)) {
        pod.state = 'pending';
        delete pod.error;
        continue;
      }
      const nack = nackOf(p);
      if (nack) {
        pod.state = 'nack';
        pod.error = nack;
      } else if (allAcked(p)) {
        pod.state = 'acked';
        pod.ackedAt = now;
        delete pod.error;
      } else {
        pod.state = 'pending';
        delete pod.error;
      }
    }
    s.pods.sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
    s.counts = { pending: 0, acked: 0, nack: 0, gone: 0 };
    for (const pod of s.pods) s.counts[pod.state]++;
    const live = s.pods.filter((p) => p.state !== 'gone');
    const lastGone = Math.max(0, ...s.pods.map((p) => p.goneAt ?? 0));
    const waitingForReplacement = lastGone > 0 && live.length < r.initial && now - lastGone < this.graceMs;
    if (live.length > 0 && live.every((p) => p.state === 'acked') && !waitingForReplacement) {
      s.done = true;
      s.doneAt = now;
    } else if (now - s.appliedAt > this.timeoutMs) {
      s.done = true;
      s.doneAt = now;
      s.timedOut = true;
    }
    return s.done || JSON.stringify(s.pods) !== before;
  }

  private trim(): void {
    while (this.rollouts.length > this.keep) {
      const i = this.rollouts.findIndex((r) => r.status.done);
      if (i < 0) break;
      this.rollouts.splice(i, 1);
    }
  }
}
