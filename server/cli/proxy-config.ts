/**
 * `gatescope proxy-config listeners|routes|clusters|endpoints|secrets|all POD|--file F`: the
 * views of `istioctl proxy-config` (lib/envoy renderers, byte for byte istioctl's text on the
 * same dump), from a gateway pod's config_dump (port-forward to its Envoy admin :15000, GET only)
 * or from a config_dump file.
 */
import type { ConfigDumpModel } from '../../lib/envoy/config-dump';
import {
  ProxyConfigError,
  renderClusterSummary,
  renderEndpointSummary,
  renderFullSummary,
  renderListenerSummary,
  renderRouteSummary,
  renderSecretSummary,
} from '../../lib/envoy/proxy-config';
import { renderClustersJson, renderEndpointsJson, renderListenersJson, renderRoutesJson } from '../../lib/envoy/proxy-config-json';
import { loadKubeConfig } from '../main';
import { InputError } from './kube-objects';
import { podRef, readConfigDump, readConfigDumpFile } from './proxy-sources';
import { parseCommand } from './args';

export const summary = "a gateway's Envoy listeners, routes, clusters, endpoints, secrets (istioctl proxy-config)";

const KINDS = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets', 'all'] as const;
type Kind = (typeof KINDS)[number];
const ALIASES: Record<string, Kind> = { listener: 'listeners', l: 'listeners', route: 'routes', r: 'routes', cluster: 'clusters', c: 'clusters', endpoint: 'endpoints', ep: 'endpoints', secret: 'secrets', s: 'secrets' };

const HELP = `Usage: gatescope proxy-config (listeners|routes|clusters|endpoints|secrets|all) (POD[.NAMESPACE] | --file config_dump.json) [-n NAMESPACE] [-o short|json]

  -f, --file FILE       read a saved /config_dump instead of a pod
  -n, --namespace NS    the pod's namespace (default: from POD.NAMESPACE, else default)
  -o, --output FORMAT   short (default, istioctl's table) or json
  --name NAME           routes: only this route configuration; clusters/listeners: not used
  --kubeconfig FILE     the cluster
  --context NAME        kubeconfig context
`;

function renderShort(kind: Kind, model: ConfigDumpModel, name: string | undefined): string {
  switch (kind) {
    case 'listeners':
      return renderListenerSummary(model);
    case 'routes':
      return renderRouteSummary(model, name ? { name } : {});
    case 'clusters':
      return renderClusterSummary(model);
    case 'endpoints':
      return renderEndpointSummary(model);
    case 'secrets':
      return renderSecretSummary(model, { now: Date.now() });
    case 'all':
      return renderFullSummary(model, { now: Date.now() });
  }
}

function renderJson(kind: Kind, model: ConfigDumpModel, text: string, name: string | undefined): string {
  switch (kind) {
    case 'listeners':
      return renderListenersJson(model);
    case 'routes':
      return renderRoutesJson(model, name ? { name } : {});
    case 'clusters':
      return renderClustersJson(model);
    case 'endpoints':
      return renderEndpointsJson(model);
    default:
      return text.endsWith('\n') ? text : `${text}\n`;
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'proxy-config',
    argv,
    {
      file: { type: 'string', short: 'f' },
      namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o', default: 'short' },
      name: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
    },
    HELP,
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [rawKind, podArg, ...extra] = positionals;
  const kind = rawKind ? (KINDS.includes(rawKind as Kind) ? (rawKind as Kind) : ALIASES[rawKind]) : undefined;
  const output = values.output === 'yaml' ? 'json' : values.output;
  if (!kind || extra.length || (!podArg && !values.file) || (podArg && values.file) || !['short', 'json'].includes(output)) {
    console.error(`gatescope proxy-config: give a view (${KINDS.join('|')}) and a POD or --file, -o short|json\n\n${HELP}`);
    return 2;
  }
  try {
    let source: { model: ConfigDumpModel; text: string };
    if (values.file) source = readConfigDumpFile(values.file);
    else {
      const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
      const { pod, namespace } = podRef(podArg!, values.namespace);
      source = await readConfigDump(kc, namespace, pod);
    }
    process.stdout.write(output === 'json' ? renderJson(kind, source.model, source.text, values.name) : renderShort(kind, source.model, values.name));
    return 0;
  } catch (err) {
    if (err instanceof ProxyConfigError) {
      if (err.partialOutput) process.stdout.write(err.partialOutput);
      console.error(`Error: ${err.message}`);
      return 1;
    }
    console.error(`gatescope proxy-config: ${(err as Error).message}`);
    return err instanceof InputError ? 2 : 1;
  }
}
