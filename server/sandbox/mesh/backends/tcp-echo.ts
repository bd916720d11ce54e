/**
 * A TCP echo standing in for the `mysql` image: every byte received is sent back; a half-close
 * from the client is answered with a half-close after the echo. One log line per connection when
 * it ends: `<client> - - [time] "TCP <port>" <bytes received> <bytes sent>`.
 */
import { createServer } from 'node:net';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../kubelet/container';
import { clfTime, containerPorts, serveOnPorts } from './common';

export class TcpEchoImpl implements ContainerImpl {
  async start(ctx: ContainerContext): Promise<RunningContainer> {
    const make = (port: number) => () =>
      createServer({ allowHalfOpen: true }, (s) => {
        let received = 0;
        const remote = (s.remoteAddress ?? '-').replace(/^::ffff:/, '');
        s.on('data', (d: Buffer) => {
          received += d.length;
        });
        s.on('error', () => s.destroy());
        s.once('close', () => ctx.log(`${remote} - - ${clfTime(new Date())} "TCP ${port}" ${received} ${s.bytesWritten ?? 0}`));
        s.pipe(s);
      });
    const ports = containerPorts(ctx, 3306);
    // One server per port, each knowing its port for the log line.
    let i = 0;
    return serveOnPorts(ctx, ports, () => make(ports[i++]!)());
  }
}
