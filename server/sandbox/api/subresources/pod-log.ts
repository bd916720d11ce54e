/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's log as kubelet serves it through
 * the apiserver — text/plain, chunked while following; `container`, `previous`, `follow`,
 * `tailLines`, `sinceSeconds` | `sinceTime`, `timestamps` (RFC3339Nano + space), `limitBytes`.
 * Errors and their wording follow pkg/registry/core/pod (strategy.go) and the kubelet.
 * A follow ends when the container stops (kubectl logs -f stops then, PR #44406), or once when
 * the `cutLogFollows` fault switch fires.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store';
import { ApiError, errors, fieldError, status } from '../status';
import type { SubresourceContext, SubresourceHandler } from '../types';
import { parseTimestamp, type ContainerLog, type LogLine } from '../../kubelet/container-log';

/** What the log handler needs from the kubelet. */
export interface LogSource {
  containerLog(namespace: string, name: string, container: string, previous?: boolean): ContainerLog | undefined;
  containerWaitingReason(namespace: string, name: string, container: string): string | undefined;
}

/** A follower that falls this far behind (bytes queued in the socket) is disconnected. */
const MAX_BUFFERED = 8 * 1024 * 1024;

interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceNs?: bigint;
  limitBytes?: number;
}

function bool(q: URLSearchParams, k: string): boolean {
  const v = q.get(k);
  return v === 'true' || v === '1';
}

function intParam(q: URLSearchParams, k: string): number | undefined {
  const v = q.get(k);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

export function parseLogOptions(name: string, q: URLSearchParams, now: () => Date = () => new Date()): LogOptions {
  const tailLines = intParam(q, 'tailLines');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceTime = q.get('sinceTime') ?? undefined;
  const causes = [];
  if (tailLines !== undefined && tailLines < 0) causes.push(fieldError.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) causes.push(fieldError.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime !== undefined) causes.push({ reason: 'FieldValueForbidden', message: 'at most one of `sinceTime` or `sinceSeconds` may be specified', field: '' });
  if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push(fieldError.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  if (causes.length) throw errors.invalid('PodLogOptions', '', name, causes);
  let sinceNs: bigint | undefined;
  if (sinceTime !== undefined) {
    sinceNs = parseTimestamp(sinceTime);
    if (sinceNs === undefined) {
      throw errors.badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    }
  } else if (sinceSeconds !== undefined) {
    sinceNs = BigInt(now().getTime() - sinceSeconds * 1000) * 1_000_000n;
  }
  return {
    container: q.get('container') || undefined,
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    tailLines,
    sinceNs,
    limitBytes,
  };
}

/** The container a request means (pkg/registry/core/pod/strategy.go LogLocation). */
export function pickContainer(pod: Record<string, unknown>, requested: string | undefined): string {
  const name = (pod['metadata'] as { name: string }).name;
  const spec = (pod['spec'] ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  const containers = (spec.containers ?? []).map((c) => c.name);
  const inits = (spec.initContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (containers.length === 1) return containers[0]!;
    const init = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${init}`);
  }
  const all = [...containers, ...inits, ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

export function createPodLogHandler(store: Store, kubelet: LogSource, now: () => Date = () => new Date()): SubresourceHandler {
  return (req: IncomingMessage, res: ServerResponse, ctx: SubresourceContext) => {
    if (req.method !== 'GET') throw new ApiError(status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    const pod = store.get('core/pods', ctx.namespace, ctx.name);
    if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, ctx.name);
    const opts = parseLogOptions(ctx.name, ctx.query, now);
    const container = pickContainer(pod, opts.container);
    const log = kubelet.containerLog(ctx.namespace, ctx.name, container, opts.previous);
    if (!log) {
      if (opts.previous) throw errors.badRequest(`previous terminated container "${container}" in pod "${ctx.name}" not found`);
      const reason = kubelet.containerWaitingReason(ctx.namespace, ctx.name, container) ?? 'ContainerCreating';
      throw errors.badRequest(`container "${container}" in pod "${ctx.name}" is waiting to start: ${reason}`);
    }
    stream(res, log, opts);
  };
}

function stream(res: ServerResponse, log: ContainerLog, opts: LogOptions): void {
  let budget = opts.limitBytes ?? Infinity;
  let done = false;
  let unfollow: () => void = () => {};
  const finish = () => {
    if (done) return;
    done = true;
    unfollow();
    res.end();
  };
  const write = (l: LogLine): void => {
    if (done) return;
    let buf = Buffer.from(`${opts.timestamps ? `${l.ts} ` : ''}${l.text}\n`, 'utf8');
    if (buf.length > budget) buf = buf.subarray(0, budget);
    budget -= buf.length;
    res.write(buf);
    if (budget <= 0) finish();
    else if (res.writableLength > MAX_BUFFERED) {
      done = true;
      unfollow();
      res.destroy();
    }
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(opts.follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
  for (const l of log.read({ tailLines: opts.tailLines, sinceNs: opts.sinceNs })) write(l);
  if (done) return;
  if (!opts.follow || log.stopped) {
    finish();
    return;
  }
  res.flushHeaders();
  unfollow = log.follow({
    line: (l) => {
      if (opts.sinceNs === undefined || l.ns >= opts.sinceNs) write(l);
    },
    end: () => finish(),
  });
  // The client went away (res 'close' fires on a dropped connection; req 'close' only means the request was read).
  res.on('close', () => {
    done = true;
    unfollow();
  });
}
