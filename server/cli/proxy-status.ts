/**
 * `gatescope proxy-status [POD]`: istioctl proxy-status from every istiod replica's
 * `/debug/syncz`. With a pod, also that gateway pod's Envoy config compared with the resources
 * (lib/envoy drift): `Listeners Match / Routes Match / Clusters Match` and every difference in words.
 */
import { checkDrift } from '../../lib/envoy/drift';
import { meshSnapshot } from '../../lib/istio/snapshot';
import type { Pod } from '../../lib/kube/core';
import type { KubeObject as LibKubeObject } from '../../lib/kube/object';
import { renderProxyStatus, type ProxyStatusLayout } from '../../lib/sync/proxy-status';
import { loadKubeConfig } from '../main';
import { InputError, listClusterObjects } from './kube-objects';
import { podRef, readConfigDump, readSyncStatus } from './proxy-sources';
import { parseCommand } from './args';

export const summary = 'sync status of every proxy from istiod (istioctl proxy-status), and a gateway pod checked against the resources';

const HELP = `Usage: gatescope proxy-status [POD[.NAMESPACE]] [--kubeconfig FILE] [--context NAME] [-n NAMESPACE]

  --kubeconfig FILE         the cluster (default: the default loading rules)
  --context NAME            kubeconfig context
  -n, --namespace NS        only proxies of this namespace; the pod's namespace with POD
  --layout L                legacy (default: a column per xDS type with its state), current (istioctl ≥ 1.27), verbose
  -o, --output FORMAT       text (default) or json
  --istio-namespace NS      where istiod runs (default istio-system)

With POD, the pod's row, then its Envoy config_dump compared with the Gateways and
VirtualServices: "Listeners Match / Routes Match / Clusters Match" and each difference.
Exit code: 0, 1 when POD's config does not match, 2 for bad input or an unreachable cluster.
`;

const LAYOUTS: ProxyStatusLayout[] = ['legacy', 'current', 'verbose'];

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'proxy-status',
    argv,
    {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      layout: { type: 'string', default: 'legacy' },
      output: { type: 'string', short: 'o', default: 'text' },
      'istio-namespace': { type: 'string', default: 'istio-system' },
    },
    HELP,
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const layout = values.layout as ProxyStatusLayout;
  if (!LAYOUTS.includes(layout) || !['text', 'json'].includes(values.output)) {
    console.error(`gatescope proxy-status: --layout must be ${LAYOUTS.join('|')}, --output text|json`);
    return 2;
  }
  if (positionals.length > 1) {
    console.error('gatescope proxy-status: at most one POD');
    return 2;
  }
  try {
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
    const statuses = await readSyncStatus(kc, { namespace: values['istio-namespace'] });
    const target = positionals[0] ? podRef(positionals[0], values.namespace) : undefined;
    const rows = target ? statuses.filter((s) => s.proxy === `${target.pod}.${target.namespace}`) : statuses;
    if (!target) {
      if (values.output === 'json') console.log(JSON.stringify(rows.filter((r) => !values.namespace || r.namespace === values.namespace), null, 2));
      else process.stdout.write(renderProxyStatus(rows, { layout, namespace: values.namespace }));
      return 0;
    }
    const objects = (await listClusterObjects(kc)) as unknown as LibKubeObject[];
    const snapshot = meshSnapshot(objects);
    const pod = snapshot.pods.find((p: Pod) => p.metadata.name === target.pod && p.metadata.namespace === target.namespace);
    if (!pod) throw new InputError(`pod ${target.namespace}/${target.pod} not found`);
    const { model } = await readConfigDump(kc, target.namespace, target.pod);
    const drift = checkDrift(model, snapshot, pod);
    if (values.output === 'json') {
      console.log(JSON.stringify({ sync: rows[0] ?? null, drift }, null, 2));
    } else {
      if (rows.length) process.stdout.write(renderProxyStatus(rows, { layout }));
      else console.log(`${target.pod}.${target.namespace} is not connected to any istiod`);
      console.log(drift.summary.split(' / ').join('\n'));
      for (const d of drift.differences) console.log(`  - ${d.message}`);
      for (const s of drift.skippedServers) console.log(`  (skipped by istiod) ${s}`);
    }
    return drift.differences.length ? 1 : 0;
  } catch (err) {
    console.error(`gatescope proxy-status: ${(err as Error).message}`);
    return 2;
  }
}
