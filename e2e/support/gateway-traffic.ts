/**
 * Requests through the sandbox gateway's LoadBalancer (127.0.0.1:80 + the e2e port offset), with
 * a Host header, bounded in count and time: what the Logs and Traffic specs look for.
 */
import { request as httpRequest } from 'node:http';
import { PORT_OFFSET } from './cluster';

export const LB_HTTP_PORT = 80 + PORT_OFFSET;

export function lbGet(path: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: LB_HTTP_PORT, path, headers: { host }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** `n` requests, at most `concurrency` at once; resolves to their status codes. */
export async function lbBurst(n: number, path: (i: number) => string, host: string, concurrency = 4): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await lbGet(path(i), host);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}
