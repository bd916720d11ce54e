/**
 * The `httpd` image: Apache serving one page, `<html><body><h1>This is version V1!</h1></body></html>`,
 * where V1 is the pod's `version` label upper-cased (Apache's own "It works!" without one).
 * `/` and `/index.html` answer 200 (GET and HEAD); any other path gets Apache's 404 page, so a
 * route that forgets its rewrite shows up as an upstream 404. One common-log line per request.
 */
import { createServer } from 'node:http';
import type { ContainerContext, ContainerImpl, RunningContainer } from '../../kubelet/container';
import { commonLogLine, containerPorts, serveOnPorts } from './common';

export const HTTPD_SERVER_HEADER = 'Apache/2.4.65 (Unix)';

export function httpdPage(version: string | undefined): string {
  return version ? `<html><body><h1>This is version ${version.toUpperCase()}!</h1></body></html>\n` : '<html><body><h1>It works!</h1></body></html>\n';
}

const NOT_FOUND = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
`;

export class HttpdImpl implements ContainerImpl {
  async start(ctx: ContainerContext): Promise<RunningContainer> {
    const page = httpdPage(ctx.pod.metadata.labels?.['version']);
    const lastModified = new Date(ctx.pod.metadata.creationTimestamp ?? Date.now()).toUTCString();
    const etag = `"${Buffer.byteLength(page).toString(16)}-${Date.parse(lastModified).toString(16).slice(0, 13)}"`;
    const make = () =>
      createServer((req, res) => {
        req.resume();
        const path = (req.url ?? '/').split('?')[0]!;
        const ok = path === '/' || path === '/index.html';
        let status: number;
        let body: string;
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          status = 405;
          body = '';
        } else {
          status = ok ? 200 : 404;
          body = ok ? page : NOT_FOUND;
        }
        const headers: Record<string, string | number> = {
          date: new Date().toUTCString(),
          server: HTTPD_SERVER_HEADER,
          'content-length': Buffer.byteLength(body),
          'content-type': ok ? 'text/html' : 'text/html; charset=iso-8859-1',
        };
        if (ok) Object.assign(headers, { 'last-modified': lastModified, etag, 'accept-ranges': 'bytes' });
        if (status === 405) headers['allow'] = 'GET,POST,OPTIONS,HEAD';
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
        ctx.log(commonLogLine({ remote: req.socket.remoteAddress, at: new Date(), requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, status, bytes: req.method === 'HEAD' ? 0 : Buffer.byteLength(body) }));
      });
    return serveOnPorts(ctx, containerPorts(ctx, 80), make);
  }
}
