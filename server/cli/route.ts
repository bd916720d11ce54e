/**
 * `gatescope route`: which Gateway server, VirtualService and route serve one request at the
 * ingress gateway, and why each earlier route did not (lib/routing's simulator). Reads the
 * cluster through a kubeconfig, or YAML files alone (`-f`), or the cluster with the files laid
 * over it (a file's object replaces the cluster's object of the same kind/namespace/name).
 *
 * Exit code: 0 when a route (or a redirect / direct response) answers, 1 when nothing does (the
 * reason goes to stderr: what Envoy would answer, e.g. 404 NR), 2 for bad input.
 */
import { meshSnapshot } from '../../lib/istio/snapshot';
import type { KubeObject as LibKubeObject } from '../../lib/kube/object';
import { headersFromArgs, PROTOCOLS } from '../../lib/routing/request-query';
import { routeAnswerJson, routeAnswerText } from '../../lib/routing/route-answer';
import { simulateRequest, type SimRequest } from '../../lib/routing/simulate';
import { loadKubeConfig } from '../main';
import { InputError, listClusterObjects, readObjectFiles, type KubeObject } from './kube-objects';
import { parseCommand } from './args';

export const summary = 'simulate a request at the ingress gateway: which server, VirtualService and route serve it';

const HELP = `Usage: gatescope route --host HOST [--path PATH] [--method M] [--header k=v ...] [--port N]
                       [--kubeconfig FILE | -f FILE|DIR ...] [--output text|json]

  --host HOST           the request's Host (authority), e.g. web.example.com
  --path PATH           path with optional query (default /)
  --method M            HTTP method (default GET)
  -H, --header k=v      a request header (repeatable; "k: v" works too)
  --port N              the port the client connects to: a gateway Service port (80), a NodePort or a pod port
  --protocol P          HTTP (default), HTTPS, TLS or TCP
  --gateway-pod NS/NAME simulate on this gateway pod (default: the first ready one)
  -f, --filename PATH   read these files or folders (YAML/JSON); without --kubeconfig, the files alone
  --kubeconfig FILE     read the cluster of this kubeconfig (with -f: cluster objects + files)
  --context NAME        kubeconfig context
  -o, --output FORMAT   text (default) or json:
                        {gatewayServer, virtualService, route, destinations: [{host, port, subset, weight}],
                         rejected: [{virtualService, route, reason}]}

Exit code: 0 when a route serves the request, 1 when none does (the reason on stderr), 2 for bad input.
`;

const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * Files describe Deployments, not pods: each Deployment stands in for its `replicas` pods (ready,
 * labelled from the template, named `<deployment>-<i>`), so gateway pods and subsets resolve.
 */
export function podsForFiles(objects: readonly KubeObject[]): KubeObject[] {
  const pods: KubeObject[] = [];
  for (const d of objects) {
    if (d.kind !== 'Deployment') continue;
    const spec = d.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: unknown } } | undefined;
    if (!spec?.template) continue;
    const n = Math.min(spec.replicas ?? 1, 10);
    for (let i = 0; i < n; i++) {
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${d.metadata.name}-${i}`, namespace: d.metadata.namespace ?? 'default', labels: spec.template.metadata?.labels ?? {} },
        spec: spec.template.spec,
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  }
  return pods;
}

function fail(message: string, code: number): number {
  console.error(`gatescope route: ${message}`);
  return code;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'route',
    argv,
    {
      host: { type: 'string' },
      path: { type: 'string', default: '/' },
      method: { type: 'string', default: 'GET' },
      header: { type: 'string', short: 'H', multiple: true },
      port: { type: 'string' },
      protocol: { type: 'string', default: 'HTTP' },
      'gateway-pod': { type: 'string' },
      filename: { type: 'string', short: 'f', multiple: true },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.host) return fail(`--host is required\n\n${HELP}`, 2);
  if (values.output !== 'text' && values.output !== 'json') return fail(`--output must be text or json, got "${values.output}"`, 2);
  const protocol = values.protocol.toUpperCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) return fail(`--protocol must be one of ${PROTOCOLS.join(', ')}, got "${values.protocol}"`, 2);
  const req: SimRequest = { host: values.host, path: values.path, method: values.method.toUpperCase(), protocol: protocol as SimRequest['protocol'] };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`--port must be a port number, got "${values.port}"`, 2);
    req.port = port;
  }
  for (const h of values.header ?? []) if (!/^[^=:]+[=:]/.test(h)) return fail(`--header must be name=value, got "${h}"`, 2);
  const headers = headersFromArgs(values.header ?? []);
  if (Object.keys(headers).length) req.headers = headers;

  const files = values.filename ?? [];
  const useKube = !!values.kubeconfig || !!values.context || files.length === 0;
  let objects: KubeObject[] = [];
  try {
    if (useKube) objects = await listClusterObjects(loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context }));
    if (files.length) {
      const fromFiles = readObjectFiles(files);
      const replaced = new Set(fromFiles.map(key));
      objects = [...objects.filter((o) => !replaced.has(key(o))), ...fromFiles];
      if (!useKube) objects.push(...podsForFiles(fromFiles));
    }
  } catch (err) {
    return fail((err as Error).message, err instanceof InputError ? 2 : 1);
  }
  const snapshot = meshSnapshot(objects as unknown as LibKubeObject[]);
  const result = simulateRequest(snapshot, req, values['gateway-pod'] ? { gatewayPod: values['gateway-pod'] } : {});
  console.log(values.output === 'json' ? JSON.stringify(routeAnswerJson(result), null, 2) : routeAnswerText(req, result));
  if (result.noMatch) return fail(`no route: ${result.noMatch.reason} (Envoy answers ${result.noMatch.envoyResponse})`, 1);
  return 0;
}
