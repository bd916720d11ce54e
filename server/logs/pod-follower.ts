/**
 * Follows one container's log through the Kubernetes API (`pods/log?follow=true&timestamps=true`)
 * and never loses a line silently:
 *
 * - a cut stream (network, apiserver restart, the sandbox's cut fault) resumes with `sinceTime` of
 *   the last line seen; lines at or before it that were already delivered are skipped (the API
 *   server truncates `sinceTime` to seconds, so a resume re-reads up to a second), and the
 *   interruption is counted as a gap;
 * - a restarted container (a new containerID) is read once with `previous=true` from the last
 *   line seen (its tail that the cut stream missed), then the new instance is followed from its start;
 * - a pod whose container is not running yet is retried with back-off.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, kubeJson, kubeLines, type LineStream } from '../kube/transport';

export interface FollowedLine {
  /** RFC3339Nano from pods/log. */
  ts: string;
  text: string;
}

export interface LogGap {
  /** When the stream was found cut (ms since the epoch). */
  at: number;
  /** How long until lines flowed again (ms), once known. */
  ms?: number;
  reason: string;
  /** Lines read again after the resume that had been missed while cut. */
  recovered?: number;
}

export type FollowState = 'starting' | 'following' | 'retrying' | 'waiting' | 'stopped';

export interface FollowerStatus {
  pod: string;
  container: string;
  state: FollowState;
  containerId?: string;
  lines: number;
  duplicatesSkipped: number;
  resumes: number;
  restarts: number;
  previousReads: number;
  gaps: LogGap[];
  gapCount: number;
  lastError?: string;
  lastLineAt?: number;
}

export interface PodFollowerOptions {
  namespace: string;
  pod: string;
  container: string;
  onLines: (lines: FollowedLine[]) => void;
  onStatus?: () => void;
  /** Lines of backlog on the first connect (default 200). */
  tailLines?: number;
  /** Back-off bounds for reconnects (ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

/** Sortable key of an RFC3339 timestamp: UTC, 9 fractional digits. */
export function timestampKey(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

const MAX_GAPS = 20;

export class PodLogFollower {
  readonly status: FollowerStatus;
  private stream?: LineStream;
  private stopped = false;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  /** Key of the newest line delivered, and the texts delivered at exactly that key. */
  private lastKey?: string;
  private lastTs?: string;
  private atLastKey = new Set<string>();
  private instance?: string;
  private batch: FollowedLine[] = [];
  private flushScheduled = false;
  private openGap?: LogGap;
  private readonly now: () => number;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: PodFollowerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.status = { pod: `${opts.namespace}/${opts.pod}`, container: opts.container, state: 'starting', lines: 0, duplicatesSkipped: 0, resumes: 0, restarts: 0, previousReads: 0, gaps: [], gapCount: 0 };
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.abort('stopped');
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    this.setState('stopped');
  }

  /** Retry now (e.g. the pod's container just started) instead of waiting out the back-off. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  private setState(s: FollowState, error?: string): void {
    this.status.state = s;
    if (error !== undefined) this.status.lastError = error;
    this.opts.onStatus?.();
  }

  private path(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/pods/${encodeURIComponent(this.opts.pod)}/log`;
  }

  private async loop(): Promise<void> {
    let backoff = this.opts.minBackoffMs ?? 250;
    const maxBackoff = this.opts.maxBackoffMs ?? 5_000;
    let first = true;
    while (!this.stopped) {
      try {
        const cid = await this.currentContainerId();
        if (this.instance && cid && cid !== this.instance) await this.restarted(cid);
        if (!this.instance && cid) this.instance = cid;
        this.status.containerId = this.instance;
        const query: Record<string, string | number | boolean | undefined> = { container: this.opts.container, follow: true, timestamps: true };
        if (this.lastTs) {
          query['sinceTime'] = this.lastTs;
          this.status.resumes++;
        } else if (first) query['tailLines'] = this.opts.tailLines ?? 200;
        const linesBefore = this.status.lines;
        const opened = this.now();
        this.stream = kubeLines(this.kc, { path: this.path(), query, timeoutMs: 15_000 }, (l) => this.onLine(l), () => {
          if (this.status.state !== 'following') this.setState('following');
        });
        await this.stream.done;
        this.stream = undefined;
        first = false;
        if (this.stopped) break;
        // The follow ended without an error: the container stopped, or the stream was cut.
        this.beginGap('the log stream ended');
        if (this.status.lines > linesBefore || this.now() - opened > 2_000) backoff = this.opts.minBackoffMs ?? 250;
      } catch (err) {
        this.stream = undefined;
        if (this.stopped) break;
        const msg = err instanceof KubeApiError ? err.message : (err as Error).message;
        const waiting = err instanceof KubeApiError && (err.statusCode === 400 || err.statusCode === 404);
        if (!first || this.lastTs) this.beginGap(msg);
        this.setState(waiting ? 'waiting' : 'retrying', msg);
      }
      if (this.status.state === 'following') this.setState('retrying');
      await this.pause(backoff);
      backoff = Math.min(maxBackoff, backoff * 2);
    }
    this.flush();
  }

  /** A new container instance: read the rest of the previous one once, then start over on the new one. */
  private async restarted(cid: string): Promise<void> {
    this.status.restarts++;
    if (this.lastTs) {
      this.status.previousReads++;
      const s = kubeLines(this.kc, { path: this.path(), query: { container: this.opts.container, previous: true, timestamps: true, sinceTime: this.lastTs }, timeoutMs: 15_000 }, (l) => this.onLine(l));
      try {
        await s.done;
      } catch (err) {
        // The previous log may be gone (pod recreated): the new instance is what is left to read.
        this.status.lastError = `previous log: ${(err as Error).message}`;
      }
      this.flush();
    }
    // Keep the last line seen: the new instance's lines are all later, so `sinceTime` still holds.
    this.instance = cid;
  }

  /** The container's current containerID, read fresh from the API (a cache may lag a restart). */
  private async currentContainerId(): Promise<string | undefined> {
    const { body } = await kubeJson<{ status?: { containerStatuses?: Array<{ name: string; containerID?: string }> } }>(this.kc, {
      path: `/api/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/pods/${encodeURIComponent(this.opts.pod)}`,
      timeoutMs: 15_000,
    });
    return body.status?.containerStatuses?.find((c) => c.name === this.opts.container)?.containerID || undefined;
  }

  private beginGap(reason: string): void {
    if (this.openGap) return;
    this.openGap = { at: this.now(), reason };
    this.status.gapCount++;
    this.status.gaps.push(this.openGap);
    if (this.status.gaps.length > MAX_GAPS) this.status.gaps.shift();
    this.opts.onStatus?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      this.timer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private onLine(line: string): void {
    const sp = line.indexOf(' ');
    const ts = sp > 0 ? line.slice(0, sp) : '';
    const text = sp > 0 ? line.slice(sp + 1) : line;
    const key = ts ? timestampKey(ts) : undefined;
    if (key && this.lastKey) {
      if (key < this.lastKey || (key === this.lastKey && this.atLastKey.has(text))) {
        this.status.duplicatesSkipped++;
        return;
      }
    }
    if (key) {
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.atLastKey.clear();
      }
      this.atLastKey.add(text);
      this.lastTs = ts;
    }
    if (this.openGap) {
      const g = this.openGap;
      g.ms = this.now() - g.at;
      // Lines written while the stream was cut come back first, with times inside the gap.
      if (key && Date.parse(ts) < g.at + 1) g.recovered = (g.recovered ?? 0) + 1;
      else this.openGap = undefined;
    }
    this.status.lines++;
    this.status.lastLineAt = this.now();
    this.batch.push({ ts, text });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    this.opts.onLines(b);
  }
}
