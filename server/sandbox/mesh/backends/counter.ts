/**
 * The `counter` image: every HTTP request increments this pod's count, and the body says so:
 * `{"count":17,"pod":"counter-5d9f8c7b6-abcde","host":"shop.example.com","path":"/"}` (JSON,
 * newline-terminated). The count lives in the container: a restart starts again at 1.
 */
import { createServer } from 'node:http';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../kubelet/container';
import { commonLogLine, containerPorts, serveOnPorts } from './common';

export class CounterImpl implements ContainerImpl {
  async start(ctx: ContainerContext): Promise<RunningContainer> {
    let count = 0;
    const make = () =>
      createServer((req, res) => {
        req.resume();
        count++;
        const body = `${JSON.stringify({ count, pod: ctx.pod.metadata.name, host: req.headers.host ?? '', path: req.url ?? '/' })}\n`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), date: new Date().toUTCString() });
        res.end(req.method === 'HEAD' ? undefined : body);
        ctx.log(commonLogLine({ remote: req.socket.remoteAddress, at: new Date(), requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, status: 200, bytes: Buffer.byteLength(body) }));
      });
    return serveOnPorts(ctx, containerPorts(ctx, 8080), make);
  }
}
