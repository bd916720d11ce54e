/**
 * What the sandbox's backend containers share: the ports they listen on (the container's declared
 * ports, or the image's default), Apache's common log format for their access lines, and a
 * lifecycle that closes every socket when the container stops.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { ContainerContext, RunningContainer } from '../../kubelet/container';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[10/Oct/2000:13:55:36 +0000]` (UTC, as containers run). */
export function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`;
}

/** Apache's common log format `%h %l %u %t "%r" %>s %b` (what the httpd image writes to stdout). */
export function commonLogLine(e: { remote: string | undefined; at: Date; requestLine: string; status: number | string; bytes: number }): string {
  const host = (e.remote ?? '-').replace(/^::ffff:/, '');
  return `${host} - - ${clfTime(e.at)} "${e.requestLine.replace(/"/g, '\\"')}" ${e.status} ${e.bytes > 0 ? e.bytes : '-'}`;
}

/** The container's TCP ports, or `fallback` when the pod spec declares none. */
export function containerPorts(ctx: ContainerContext, fallback: number): number[] {
  const ports = (ctx.container.ports ?? []).filter((p) => (p.protocol ?? 'TCP').toUpperCase() === 'TCP').map((p) => p.containerPort);
  return ports.length ? [...new Set(ports)] : [fallback];
}

/**
 * Binds `make()`-created servers on every port (pod scope), marks the container Ready, and returns
 * the RunningContainer that closes them (and their connections) on stop or abort.
 */
export async function serveOnPorts(ctx: ContainerContext, ports: number[], make: () => NetServer, onStop?: () => void): Promise<RunningContainer> {
  const servers: NetServer[] = [];
  const sockets = new Set<Socket>();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    onStop?.();
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  };
  ctx.signal.addEventListener('abort', () => void stop(), { once: true });
  for (const port of ports) {
    const server = make();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    servers.push(server);
    await ctx.listen(server, port, 'pod');
  }
  ctx.setReady(true);
  return { stop };
}
