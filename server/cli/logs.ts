/**
 * `gatescope logs`: a parsed multi-pod tail of the gateway access logs, like stern for gateways.
 * Reads every gateway pod's log through the Kubernetes API (`pods/log`, timestamps on), merges the
 * lines by time, parses them (lib/accesslog) and prints text or one JSON object per line. With
 * `--follow` it keeps following (resuming cut streams, picking up new pods) until interrupted.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { describeFlags } from '../../lib/accesslog/response-flags';
import { accessLogFormat, meshAccessLog } from '../../lib/logs/mesh-access-log';
import { parseFilterExpression, matchesFilter, type LogFilter } from '../../lib/logs/filter';
import { recordFromLine } from '../../lib/logs/from-line';
import type { LogRecord } from '../../lib/logs/record';
import type { CompiledFormat } from '../../lib/accesslog/format';
import { loadKubeConfig } from '../main';
import { kubeJson, kubeLines } from '../kube/transport';
import { DEFAULT_GATEWAY_SELECTOR, gatewayContainer } from '../logs/gateway-logs';
import { PodLogFollower, timestampKey } from '../logs/pod-follower';
import { parseCommand } from './args';

export const summary = 'tail the access logs of every gateway pod, parsed (like stern for gateways)';

const HELP = `Usage: gatescope logs [--kubeconfig FILE] [--context NAME] [-n NAMESPACE] [-l SELECTOR] [--since 5m] [--tail N] [-f] [-o text|json] [--filter EXPR]

  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG or ~/.kube/config)
  --context NAME      kubeconfig context
  -n, --namespace NS  only gateway pods of this namespace (default: all namespaces)
  -l, --selector SEL  gateway pods' label selector (default: ${DEFAULT_GATEWAY_SELECTOR})
  --since DURATION    only lines newer than this (5s, 2m, 1h)
  --tail N            the last N lines of each pod (default: all, or 200 with --follow)
  -f, --follow        keep following: new lines, new pods, cut streams resumed
  -o, --output FMT    text (default) or json (one object per line: every parsed field, pod, namespace)
  --filter EXPR       e.g. "status=4xx,5xx method=GET authority=web flags=NR path=/api" (a bare word
                      matches authority + path; path~=REGEX searches the path with an RE2 regex,
                      e.g. "path~=^/api/v[0-9]+/"); unparsed lines are shown unless a filter needs a field
  --no-proxy-lines    hide the proxy's own log lines (shown by default in text, never in json)

Exit code: 0, 1 when the cluster cannot be read, 2 for bad options.
`;

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration "${s}" (use e.g. 30s, 5m, 1h)`);
  const n = Number(m[1]);
  return Math.round(n * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as const)[m[2] as 'ms' | 's' | 'm' | 'h']);
}

interface PodRef {
  namespace: string;
  name: string;
  container: string;
}

async function listGatewayPods(kc: KubeConfig, namespace: string | undefined, selector: string): Promise<PodRef[]> {
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
  const { body } = await kubeJson<{ items: Array<{ metadata: { name: string; namespace: string; deletionTimestamp?: string }; spec?: { containers?: Array<{ name: string }> }; status?: { phase?: string } }> }>(kc, {
    path,
    query: { labelSelector: selector },
  });
  return body.items
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => ({ namespace: p.metadata.namespace, name: p.metadata.name, container: gatewayContainer(p as never) ?? '' }))
    .filter((p) => p.container)
    .sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
}

async function meshFormat(kc: KubeConfig): Promise<CompiledFormat | undefined> {
  try {
    const { body } = await kubeJson<{ data?: Record<string, string> }>(kc, { path: '/api/v1/namespaces/istio-system/configmaps/istio' });
    return accessLogFormat(meshAccessLog(body as never));
  } catch {
    return undefined;
  }
}

/** One printed line. */
export function formatRecord(r: LogRecord, output: 'text' | 'json'): string {
  const slash = r.pod.indexOf('/');
  const namespace = r.pod.slice(0, slash);
  const pod = r.pod.slice(slash + 1);
  if (output === 'json') {
    if (r.kind === 'access') return JSON.stringify({ pod, namespace, ...(r.ts ? { logTimestamp: r.ts } : {}), ...r.entry, raw: r.raw });
    return JSON.stringify({ pod, namespace, ...(r.ts ? { logTimestamp: r.ts } : {}), kind: r.kind, raw: r.raw, ...(r.error ? { error: r.error } : {}) });
  }
  if (r.kind !== 'access' || !r.entry) return `${pod} ${r.ts ?? ''} ${r.kind === 'invalid' ? `UNPARSED ${r.raw}  # ${r.error}` : r.raw}`;
  const e = r.entry;
  const flags = describeFlags(e.responseFlags).map((f) => f.code).join(',') || '-';
  const uc = e.upstreamCluster ?? '-';
  return [pod, e.startTime ?? r.ts ?? '-', e.responseCode ?? '-', e.method ?? '-', `${e.authority ?? ''}${e.path ?? ''}` || '-', flags, e.duration !== undefined ? `${e.duration}ms` : '-', uc, e.routeName ?? '-'].join(' ');
}

export interface LogsOptions {
  namespace?: string;
  selector: string;
  sinceSeconds?: number;
  tail?: number;
  follow: boolean;
  output: 'text' | 'json';
  filter: LogFilter;
  proxyLines: boolean;
  /** Stops a follow (SIGINT in the CLI, the test's abort). */
  signal?: AbortSignal;
  /** How often a follow looks for new gateway pods (ms). */
  relistMs?: number;
}

/** Prints the logs; resolves when done (or, with `follow`, when `signal` aborts). */
export async function streamLogs(kc: KubeConfig, o: LogsOptions, print: (line: string) => void): Promise<number> {
  const format = await meshFormat(kc);
  const pods = await listGatewayPods(kc, o.namespace, o.selector);
  let seq = 0;
  const emit = (r: LogRecord) => {
    if (r.kind === 'proxy' && (!o.proxyLines || o.output === 'json')) return;
    if (!matchesFilter(r, o.filter)) return;
    print(formatRecord(r, o.output));
  };
  if (!o.follow) {
    const all: Array<{ key: string; pod: string; container: string; ts: string; text: string }> = [];
    await Promise.all(
      pods.map(async (p) => {
        const s = kubeLines(
          kc,
          { path: `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}/log`, query: { container: p.container, timestamps: true, sinceSeconds: o.sinceSeconds, tailLines: o.tail } },
          (line) => {
            const sp = line.indexOf(' ');
            const ts = sp > 0 ? line.slice(0, sp) : '';
            all.push({ key: ts ? timestampKey(ts) : '', pod: `${p.namespace}/${p.name}`, container: p.container, ts, text: sp > 0 ? line.slice(sp + 1) : line });
          },
        );
        await s.done;
      }),
    );
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const l of all) emit(recordFromLine(++seq, l.pod, l.container, l.ts || undefined, l.text, format));
    return 0;
  }
  const followers = new Map<string, PodLogFollower>();
  const startFollower = (p: PodRef) => {
    const key = `${p.namespace}/${p.name}`;
    if (followers.has(key)) return;
    const f = new PodLogFollower(kc, {
      namespace: p.namespace,
      pod: p.name,
      container: p.container,
      tailLines: o.tail ?? 200,
      onLines: (lines) => {
        for (const l of lines) emit(recordFromLine(++seq, key, p.container, l.ts || undefined, l.text, format));
      },
    });
    followers.set(key, f);
    f.start();
  };
  pods.forEach(startFollower);
  await new Promise<void>((resolve) => {
    const relist = setInterval(() => {
      listGatewayPods(kc, o.namespace, o.selector).then(
        (now) => {
          const keys = new Set(now.map((p) => `${p.namespace}/${p.name}`));
          for (const [k, f] of followers) {
            if (!keys.has(k)) {
              f.stop();
              followers.delete(k);
            }
          }
          now.forEach(startFollower);
        },
        () => undefined,
      );
    }, o.relistMs ?? 5_000);
    const done = () => {
      clearInterval(relist);
      for (const f of followers.values()) f.stop();
      resolve();
    };
    if (o.signal?.aborted) done();
    o.signal?.addEventListener('abort', done, { once: true });
  });
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'logs',
    argv,
    {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      selector: { type: 'string', short: 'l', default: DEFAULT_GATEWAY_SELECTOR },
      since: { type: 'string' },
      tail: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      output: { type: 'string', short: 'o', default: 'text' },
      filter: { type: 'string' },
      'no-proxy-lines': { type: 'boolean', default: false },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let opts: LogsOptions;
  try {
    if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output must be text or json, got "${values.output}"`);
    const tail = values.tail === undefined ? undefined : Number(values.tail);
    if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new Error(`--tail must be a non-negative integer, got "${values.tail}"`);
    opts = {
      namespace: values.namespace,
      selector: values.selector,
      sinceSeconds: values.since ? Math.max(1, parseDuration(values.since)) : undefined,
      tail,
      follow: values.follow,
      output: values.output,
      filter: values.filter ? parseFilterExpression(values.filter) : {},
      proxyLines: !values['no-proxy-lines'],
    };
  } catch (err) {
    console.error(`gatescope logs: ${(err as Error).message}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
    return await streamLogs(kc, { ...opts, signal: controller.signal }, (line) => process.stdout.write(line + '\n'));
  } catch (err) {
    console.error(`gatescope logs: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
