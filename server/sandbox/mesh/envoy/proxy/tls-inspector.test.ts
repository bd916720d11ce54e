import { connect } from 'node:tls';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chooseByServerName, parseClientHello } from './tls-inspector';

describe('tls_inspector', () => {
  it('reads SNI and ALPN from a real ClientHello', async () => {
    const hello = await new Promise<Buffer>((resolve) => {
      const srv = createServer((s) => {
        s.once('data', (d: Buffer) => {
          resolve(d);
          s.destroy();
          srv.close();
        });
      }).listen(0, '127.0.0.1', () => {
        const c = connect({ host: '127.0.0.1', port: (srv.address() as { port: number }).port, servername: 'Web.Example.com', ALPNProtocols: ['h2', 'http/1.1'] });
        c.on('error', () => undefined);
      });
    });
    expect(parseClientHello(hello)).toEqual({ tls: true, sni: 'web.example.com', alpn: ['h2', 'http/1.1'] });
    expect(parseClientHello(hello.subarray(0, 20))).toBeUndefined();
    expect(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ tls: false });
  });

  it('chooses filter chains by server name: exact, then longest wildcard, then the default chain', () => {
    const chains = [{ id: 'default' }, { id: 'wild', serverNames: ['*.example.com'] }, { id: 'deeper', serverNames: ['*.a.example.com'] }, { id: 'exact', serverNames: ['www.example.com'] }];
    expect(chooseByServerName(chains, 'www.example.com')!.id).toBe('exact');
    expect(chooseByServerName(chains, 'x.a.example.com')!.id).toBe('deeper');
    expect(chooseByServerName(chains, 'b.example.com')!.id).toBe('wild');
    expect(chooseByServerName(chains, 'other.org')!.id).toBe('default');
    expect(chooseByServerName(chains, undefined)!.id).toBe('default');
  });
});
