/**
 * Where the proxy CLI commands read from: every running istiod's `/debug/syncz` (port-forward to
 * :15014, as istioctl does) and a gateway pod's `/config_dump` (the console's allow-listed Envoy
 * admin client, port-forward to :15000), or a config_dump file.
 */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseConfigDump, type ConfigDumpModel } from '../../lib/envoy/config-dump';
import { parseSyncz, type ProxySyncStatus } from '../../lib/sync/syncz';
import { adminRequest } from '../envoy/admin';
import { forwardGet } from '../kube/port-forward';
import { kubeJson } from '../kube/transport';
import { ISTIOD_DEBUG_PORT } from '../sync/istiod';
import { InputError } from './kube-objects';

export interface IstiodOptions {
  namespace?: string;
  labelSelector?: string;
}

interface PodLike {
  metadata: { name: string; deletionTimestamp?: string };
  status?: { phase?: string };
}

/** Every running istiod's proxies; throws when none answers. */
export async function readSyncStatus(kc: KubeConfig, opts: IstiodOptions = {}): Promise<ProxySyncStatus[]> {
  const namespace = opts.namespace ?? 'istio-system';
  const labelSelector = opts.labelSelector ?? 'app=istiod';
  const { body } = await kubeJson<{ items: PodLike[] }>(kc, { path: `/api/v1/namespaces/${namespace}/pods`, query: { labelSelector }, timeoutMs: 10_000 });
  const pods = (body.items ?? []).filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
  if (pods.length === 0) throw new InputError(`no running istiod pod in ${namespace} (${labelSelector})`);
  const out: ProxySyncStatus[] = [];
  const errors: string[] = [];
  for (const pod of pods) {
    try {
      const res = await forwardGet(kc, { namespace, pod, port: ISTIOD_DEBUG_PORT, path: '/debug/syncz', maxBytes: 32 * 1024 * 1024, timeoutMs: 10_000 });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      out.push(...parseSyncz(res.body.toString('utf8'), { istiod: pod }));
    } catch (err) {
      errors.push(`istiod ${namespace}/${pod}: ${(err as Error).message}`);
    }
  }
  if (errors.length === pods.length) throw new Error(errors.join('\n'));
  for (const e of errors) console.error(`warning: ${e}`);
  return out;
}

/** `pod`, `pod.namespace` (istioctl's form) or `pod` with -n. */
export function podRef(arg: string, namespace: string | undefined): { pod: string; namespace: string } {
  if (namespace) return { pod: arg, namespace };
  const dot = arg.lastIndexOf('.');
  return dot > 0 ? { pod: arg.slice(0, dot), namespace: arg.slice(dot + 1) } : { pod: arg, namespace: 'default' };
}

export async function readConfigDump(kc: KubeConfig, namespace: string, pod: string): Promise<{ model: ConfigDumpModel; text: string }> {
  const res = await adminRequest(kc, { namespace, pod, method: 'GET', path: '/config_dump', query: { include_eds: 'true' } });
  const text = res.body.toString('utf8');
  if (res.status !== 200) throw new Error(`Envoy of ${namespace}/${pod} answered /config_dump with HTTP ${res.status}: ${text.slice(0, 200)}`);
  return { model: parseConfigDump(text), text };
}

export function readConfigDumpFile(path: string): { model: ConfigDumpModel; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${path}: cannot read the file`);
  }
  try {
    return { model: parseConfigDump(text), text };
  } catch (err) {
    throw new InputError(`${path}: not JSON: ${(err as Error).message}`);
  }
}
