/**
 * envoy.filters.network.tcp_proxy: pick the cluster (or a weighted one), a healthy host, open a
 * real socket to it from the pod IP, and splice both directions; one access log line and Istio's
 * TCP metrics per connection.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseDurationMs } from '../duration';
import type { Cluster, TcpProxy } from '../types';
import { compileAccessLogs, emitAccessLogs, formatFlags } from './access-log';
import type { ProxyRuntime } from './runtime';
import type { UpstreamHost } from './upstream-hosts';

export interface DownstreamInfo {
  localAddress: string;
  remoteAddress: string;
  sni?: string;
}

function pick(cfg: TcpProxy, random: () => number): string | undefined {
  if (cfg.cluster) return cfg.cluster;
  const cs = cfg.weighted_clusters?.clusters ?? [];
  const total = cs.reduce((s, c) => s + c.weight, 0);
  let r = Math.floor(random() * total);
  for (const c of cs) {
    r -= c.weight;
    if (r < 0) return c.name;
  }
  return cs[cs.length - 1]?.name;
}

export function tcpProxy(rt: ProxyRuntime, cfg: TcpProxy, downstream: Duplex, info: DownstreamInfo): void {
  const startedAt = new Date();
  const t0 = performance.now();
  const flags: string[] = [];
  let bytesIn = 0;
  let bytesOut = 0;
  let cluster: Cluster | undefined;
  let host: UpstreamHost | undefined;
  let upstreamLocal: string | undefined;
  let details: string | undefined;
  let transportFailure: string | undefined;
  let logged = false;
  rt.stats.tcpInc(cfg.stat_prefix, 'downstream_cx_total');

  const finish = () => {
    if (logged) return;
    logged = true;
    rt.recordTcp(cluster, host, formatFlags(flags), 'close', bytesOut, bytesIn);
    const logs = compileAccessLogs(cfg.access_log);
    emitAccessLogs(
      logs,
      {
        startTime: startedAt,
        requestHeaders: {},
        responseHeaders: {},
        responseCode: 0,
        responseFlags: flags,
        connectionTerminationDetails: details,
        upstreamTransportFailureReason: transportFailure,
        bytesReceived: bytesIn,
        bytesSent: bytesOut,
        durationMs: performance.now() - t0,
        upstreamHost: host?.address,
        upstreamCluster: cluster?.name,
        upstreamLocalAddress: upstreamLocal,
        downstreamLocalAddress: info.localAddress,
        downstreamRemoteAddress: info.remoteAddress,
        requestedServerName: info.sni,
        hostname: rt.node.podName,
      },
      (l) => rt.log(l),
    );
  };

  const name = pick(cfg, rt.random);
  const cfgNow = rt.current;
  cluster = name ? cfgNow?.clusters.get(name) : undefined;
  if (!cluster) {
    flags.push('NC');
    downstream.destroy();
    finish();
    return;
  }
  const hosts = rt.hosts.hosts(cluster, cfgNow!.endpoints.get(cluster.name));
  host = rt.hosts.choose(cluster, hosts, new Set(), undefined, rt.random);
  if (!host) {
    flags.push('UH');
    rt.stats.clusterInc(cluster.name, 'upstream_cx_none_healthy');
    downstream.destroy();
    finish();
    return;
  }
  rt.recordTcp(cluster, host, '-', 'open');
  const h = host;
  const c = cluster;
  rt.stats.clusterInc(c.name, 'upstream_cx_total');
  const target = rt.resolveEndpoint(h.ip, h.port);
  const upstream: Socket = connect({ host: target.host, port: target.port, localAddress: rt.node.podIP || undefined });
  const connectTimer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNTIMEOUT' })), parseDurationMs(c.connect_timeout) ?? 10_000);
  let connected = false;
  downstream.pause();
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    h.stats.cx_total++;
    h.stats.cx_active++;
    upstreamLocal = `${upstream.localAddress}:${upstream.localPort}`;
    downstream.resume();
  });
  downstream.on('data', (d: Buffer) => {
    bytesIn += d.length;
    if (!upstream.write(d)) {
      downstream.pause();
      upstream.once('drain', () => downstream.resume());
    }
  });
  upstream.on('data', (d: Buffer) => {
    bytesOut += d.length;
    if (!downstream.write(d)) {
      upstream.pause();
      downstream.once('drain', () => upstream.resume());
    }
  });
  downstream.on('end', () => upstream.end());
  upstream.on('end', () => downstream.end());
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (!connected) {
      flags.push('UF');
      h.stats.cx_connect_fail++;
      rt.stats.clusterInc(c.name, 'upstream_cx_connect_fail');
      transportFailure = err.code === 'ECONNREFUSED' ? 'delayed_connect_error:_Connection_refused' : err.message;
    }
    downstream.destroy();
  });
  downstream.on('error', () => upstream.destroy());
  let closed = 0;
  const onClose = () => {
    if (++closed < 2) return;
    clearTimeout(connectTimer);
    if (connected) h.stats.cx_active--;
    finish();
  };
  upstream.on('close', () => {
    if (!downstream.destroyed) downstream.end();
    onClose();
  });
  downstream.on('close', () => {
    if (!upstream.destroyed) upstream.end();
    onClose();
  });
}
