/**
 * The traffic generator: a bounded stream of requests from "clients" on loopback to the
 * LoadBalancer address of the ingress gateway, so the console has live traffic to show.
 *
 * - Rate: `rps` requests per second (default 10 from `--traffic`; 0 = off), paced every 100 ms;
 *   at most `maxInFlight` requests at once (the surplus is skipped, never queued).
 * - Mix, tuned to the built-in scenarios: web.example.com `/`, `/v1`, `/v2` over HTTP and HTTPS
 *   (SNI), httpbin.example.com `/status/200|404|503` and `/delay/0`, paths httpbin's route does
 *   not match (404 NR at the gateway), other hosts (the counter's catch-all, or 404 where nothing
 *   catches them), and now and then a TCP echo on the MySQL port.
 * - Loopback only; every request has a timeout; stop() aborts what is in flight.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';

export interface Address {
  host: string;
  port: number;
}

export interface TrafficTargets {
  http?: Address;
  https?: Address;
  tcp?: Address;
}

export interface TrafficOptions {
  rps: number;
  /** Where to send (read before every request, so listeners may move). */
  targets: () => TrafficTargets;
  maxInFlight?: number;
  timeoutMs?: number;
  random?: () => number;
}

export interface TrafficStats {
  sent: number;
  completed: number;
  failed: number;
  skipped: number;
  byStatus: Record<string, number>;
}

export interface TrafficGenerator {
  readonly stats: TrafficStats;
  stop(): Promise<void>;
}

interface MixEntry {
  weight: number;
  kind: 'http' | 'https' | 'tcp';
  hosts: string[];
  paths: string[];
}

export const TRAFFIC_MIX: MixEntry[] = [
  { weight: 28, kind: 'http', hosts: ['web.example.com'], paths: ['/', '/', '/v1', '/v2'] },
  { weight: 20, kind: 'http', hosts: ['httpbin.example.com'], paths: ['/status/200', '/status/200', '/status/404', '/status/503', '/delay/0'] },
  { weight: 5, kind: 'http', hosts: ['httpbin.example.com'], paths: ['/headers', '/get'] },
  { weight: 20, kind: 'http', hosts: ['counter.example.com', 'shop.example.com', 'api.example.com'], paths: ['/', '/cart', '/api/v1/items'] },
  { weight: 7, kind: 'http', hosts: ['unknown.example.org', 'legacy.example.net'], paths: ['/', '/login'] },
  { weight: 12, kind: 'https', hosts: ['web.example.com'], paths: ['/', '/v1', '/v2'] },
  { weight: 8, kind: 'tcp', hosts: [], paths: [] },
];

const USER_AGENTS = ['curl/8.7.1', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'python-requests/2.32.3', 'Go-http-client/1.1'];

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
}

function pickWeighted(mix: readonly MixEntry[], random: () => number): MixEntry {
  const total = mix.reduce((a, m) => a + m.weight, 0);
  let r = random() * total;
  for (const m of mix) if ((r -= m.weight) < 0) return m;
  return mix[mix.length - 1]!;
}

export function startTraffic(opts: TrafficOptions): TrafficGenerator {
  const random = opts.random ?? Math.random;
  const maxInFlight = opts.maxInFlight ?? 16;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const stats: TrafficStats = { sent: 0, completed: 0, failed: 0, skipped: 0, byStatus: {} };
  const inFlight = new Set<ClientRequest | Socket>();
  let budget = 0;
  let stopped = false;

  const done = (h: ClientRequest | Socket, status: string | undefined) => {
    if (!inFlight.delete(h)) return;
    if (status) {
      stats.completed++;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    } else stats.failed++;
  };

  const fire = () => {
    const m = pickWeighted(TRAFFIC_MIX, random);
    const targets = opts.targets();
    if (m.kind === 'tcp') {
      const t = targets.tcp;
      if (!t) return;
      stats.sent++;
      const s = connect({ host: t.host, port: t.port });
      inFlight.add(s);
      const payload = `PING gatescope-traffic ${stats.sent}\n`;
      let got = '';
      s.setTimeout(timeoutMs, () => s.destroy());
      s.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.length >= payload.length) {
          done(s, 'tcp');
          s.end();
        }
      });
      s.on('error', () => undefined);
      s.on('close', () => done(s, undefined));
      s.write(payload);
      return;
    }
    const t = m.kind === 'https' ? targets.https : targets.http;
    if (!t) return;
    const host = pick(m.hosts, random);
    const headers = { host, 'user-agent': pick(USER_AGENTS, random), accept: '*/*' };
    const common = { host: t.host, port: t.port, path: pick(m.paths, random), method: 'GET', headers, agent: false as const, timeout: timeoutMs };
    stats.sent++;
    const req = m.kind === 'https' ? httpsRequest({ ...common, servername: host, rejectUnauthorized: false }) : httpRequest(common);
    inFlight.add(req);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => done(req, String(res.statusCode ?? 0)));
      res.on('error', () => done(req, undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(req, undefined));
    req.on('close', () => done(req, undefined));
    req.end();
  };

  const tick = () => {
    if (stopped) return;
    budget = Math.min(budget + opts.rps / 10, Math.max(1, opts.rps));
    while (budget >= 1) {
      budget -= 1;
      if (inFlight.size >= maxInFlight) {
        stats.skipped++;
        continue;
      }
      try {
        fire();
      } catch {
        stats.failed++;
      }
    }
  };
  const timer = opts.rps > 0 ? setInterval(tick, 100) : undefined;
  timer?.unref();

  return {
    stats,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const h of [...inFlight]) h.destroy();
      inFlight.clear();
    },
  };
}
