/** Envoy's logger registry as /logging shows and changes it (Istio proxies start at warning, misc:error). */

const LOGGERS = [
  'admin', 'alternate_protocols_cache', 'aws', 'assert', 'backtrace', 'basic_auth', 'cache_filter', 'client', 'config',
  'connection', 'conn_handler', 'credential_injector', 'decompression', 'dns', 'dubbo', 'envoy_bug', 'ext_authz', 'ext_proc',
  'file', 'filter', 'forward_proxy', 'geolocation', 'grpc', 'happy_eyeballs', 'hc', 'health_checker', 'http', 'http2',
  'hystrix', 'init', 'io', 'jwt', 'kafka', 'key_value_store', 'lua', 'main', 'matcher', 'misc', 'mongo', 'multi_connection',
  'oauth2', 'quic', 'quic_stream', 'pool', 'rate_limit_quota', 'rbac', 'rds', 'redis', 'router', 'runtime', 'stats', 'secret',
  'tap', 'testing', 'thrift', 'tracing', 'upstream', 'udp', 'wasm', 'websocket', 'golang',
];
const LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'];

export class LogLevels {
  private readonly levels = new Map<string, string>(LOGGERS.map((l) => [l, l === 'misc' ? 'error' : 'warning']));

  render(): string {
    return 'active loggers:\n' + [...this.levels.entries()].map(([k, v]) => `  ${k}: ${v}\n`).join('');
  }

  /** Applies ?level=X, ?paths=a:l,b:l or ?<logger>=<level>; returns an error text (404) when invalid. */
  apply(query: URLSearchParams): string | undefined {
    const norm = (l: string) => (l === 'warn' ? 'warning' : l);
    const usage =
      'usage: /logging?<name>=<level> (change single level)\n' +
      'usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n' +
      'usage: /logging?level=<level> (change all levels)\n' +
      `levels: ${LEVELS.join(' ')} \n`;
    const level = query.get('level');
    if (level !== null) {
      if (!LEVELS.includes(norm(level))) return usage;
      for (const k of this.levels.keys()) this.levels.set(k, norm(level));
      return undefined;
    }
    const paths = query.get('paths');
    const pairs: Array<[string, string]> = paths !== null ? paths.split(',').map((p) => p.split(':') as [string, string]) : [...query.entries()];
    if (pairs.length !== 1 && paths === null) return usage;
    for (const [name, lv] of pairs) if (!this.levels.has(name) || !LEVELS.includes(norm(lv ?? ''))) return usage;
    for (const [name, lv] of pairs) this.levels.set(name, norm(lv));
    return undefined;
  }

  get(name: string): string | undefined {
    return this.levels.get(name);
  }
}
