/**
 * Load switch: a gateway container writes synthetic-but-realistic Istio access-log lines (the
 * default TEXT format) at a fixed rate for a bounded time, each carrying the wall-clock time it was
 * written, so a benchmark can measure write → rendered latency and throughput of the log path
 * without driving thousands of real requests per second through the data plane.
 *
 *   kubectl annotate pod P load.sandbox.gatescope.io/log-burst=1000x5@run1 --overwrite
 *
 * Value: `<lines per second>x<seconds>[@<tag>]` (≤ 50,000 lines/s, ≤ 60 s). Line n of the burst
 * has the path `/logburst/<tag>/<n>?w=<write ms since the epoch>`, START_TIME = the write time,
 * and otherwise looks like a request to web.example.com routed to web-service v1/v2. Lines are
 * written every ~10 ms (as many as are due), so a late timer catches up instead of lowering the rate.
 */
import { FORMATS } from '../../../lib/accesslog/format';
import type { ContainerLog } from './container-log';
import { renderAccessLine } from '../../../lib/accesslog/render';

export const LOAD_LOG_BURST = 'load.sandbox.gatescope.io/log-burst';
export const MAX_BURST_RATE = 50_000;
export const MAX_BURST_SECONDS = 60;

export interface LogBurstSpec {
  rate: number;
  seconds: number;
  tag: string;
}

/** Parses an annotation value; throws a sentence on anything out of bounds. */
export function parseLogBurst(value: string): LogBurstSpec {
  const m = /^(\d{1,6})x(\d{1,3}(?:\.\d+)?)(?:@([A-Za-z0-9._-]{1,40}))?$/.exec(value.trim());
  if (!m) throw new Error(`log-burst must be <lines per second>x<seconds>[@<tag>], got ${JSON.stringify(value)}`);
  const rate = Number(m[1]);
  const seconds = Number(m[2]);
  if (rate < 1 || rate > MAX_BURST_RATE) throw new Error(`log-burst rate must be 1..${MAX_BURST_RATE} lines/s`);
  if (!(seconds > 0) || seconds > MAX_BURST_SECONDS) throw new Error(`log-burst time must be in (0, ${MAX_BURST_SECONDS}] s`);
  return { rate, seconds, tag: m[3] ?? 'burst' };
}

const WEB = 'web-service.default.svc.cluster.local';

/** Line `n` of a burst, written at `writeMs`. */
export function burstLine(tag: string, n: number, writeMs: number): string {
  const v2 = n % 5 === 4;
  return renderAccessLine(
    {
      startTime: new Date(writeMs).toISOString(),
      method: 'GET',
      path: `/logburst/${tag}/${n}?w=${writeMs}`,
      protocol: 'HTTP/1.1',
      responseCode: 200,
      responseCodeDetails: 'via_upstream',
      bytesReceived: 0,
      bytesSent: 612,
      duration: 1 + (n % 37),
      upstreamServiceTime: 1 + (n % 31),
      xForwardedFor: '127.0.0.1',
      userAgent: 'gatescope-logburst/1',
      requestId: `${(n >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${tag.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/g, '0')}`,
      authority: 'web.example.com',
      upstreamHost: v2 ? '10.244.0.12:80' : '10.244.0.11:80',
      upstreamCluster: `outbound|80|${v2 ? 'v2' : 'v1'}|${WEB}`,
      upstreamLocalAddress: '10.244.0.7:39545',
      downstreamLocalAddress: '10.244.0.7:8080',
      downstreamRemoteAddress: '127.0.0.1:35908',
      routeName: 'split',
    },
    FORMATS.istioCurrent,
  );
}

export interface BurstTarget {
  /** Appends lines (joined with `\n`) to the container's current log; false once it is gone. */
  append(text: string): boolean;
}

/**
 * Runs one burst: returns the function that stops it early. `done` is called once at the end.
 * Bounded: `rate × seconds` lines at most, and the timer stops at the end time whatever happens.
 */
export function startLogBurst(spec: LogBurstSpec, target: BurstTarget, opts: { now?: () => number; tickMs?: number; done?: (written: number) => void } = {}): () => void {
  const now = opts.now ?? Date.now;
  const total = Math.round(spec.rate * spec.seconds);
  const start = now();
  let written = 0;
  let stopped = false;
  const finish = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    opts.done?.(written);
  };
  const tick = () => {
    if (stopped) return;
    const t = now();
    const due = Math.min(total, Math.floor(((t - start) / 1000) * spec.rate));
    if (due > written) {
      const lines: string[] = [];
      for (let n = written; n < due; n++) lines.push(burstLine(spec.tag, n, t));
      if (!target.append(lines.join('\n'))) return finish();
      written = due;
    }
    if (written >= total || t - start > spec.seconds * 1000 + 1_000) finish();
  };
  const timer = setInterval(tick, opts.tickMs ?? 10);
  return finish;
}

/** The running bursts of a kubelet (stopped with it). */
export class LogBursts {
  private readonly running = new Set<() => void>();

  /** Starts a burst into the log `log()` returns at each write; a bad value is reported and ignored. */
  start(pod: string, value: string, log: () => ContainerLog | undefined): void {
    let spec: LogBurstSpec;
    try {
      spec = parseLogBurst(value);
    } catch (e) {
      console.error(`sandbox kubelet: ${pod}: ${(e as Error).message}`);
      return;
    }
    const target: BurstTarget = {
      append: (text) => {
        const l = log();
        if (!l || l.stopped) return false;
        l.append(text);
        return true;
      },
    };
    const stop: () => void = startLogBurst(spec, target, { done: () => this.running.delete(stop) });
    this.running.add(stop);
  }

  stopAll(): void {
    for (const stop of [...this.running]) stop();
  }
}
