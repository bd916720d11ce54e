/**
 * Secret and ConfigMap volumes: what a container would see under its volumeMounts, as a map of
 * absolute path → file content (Secret `data` is base64-decoded, as the kubelet writes it).
 *
 * A missing source fails the mount unless the volume is `optional` (the pod stays in
 * ContainerCreating with a FailedMount event, as on a node); other volume types (emptyDir,
 * projected service-account tokens, hostPath) mount as empty directories.
 */
import type { Store, StoredObject } from '../api/store';

interface KeyToPath {
  key: string;
  path: string;
}
interface Volume {
  name: string;
  secret?: { secretName?: string; optional?: boolean; items?: KeyToPath[] };
  configMap?: { name?: string; optional?: boolean; items?: KeyToPath[] };
}
interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
}

export interface MountResult {
  files: Map<string, string>;
  /** Failed mounts, in the kubelet's words (`MountVolume.SetUp failed for volume "x" : secret "y" not found`). */
  errors: string[];
  /** Secrets and ConfigMaps read (`secrets/name`, `configmaps/name`), to re-mount on their change. */
  sources: Set<string>;
}

function decodeSecret(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = Buffer.from(v, 'base64').toString('utf8');
    }
  }
  return out;
}

function plain(data: unknown, binary: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (data && typeof data === 'object') for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  if (binary && typeof binary === 'object') {
    for (const [k, v] of Object.entries(binary as Record<string, unknown>)) if (typeof v === 'string') out[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  return out;
}

/** Files of the volumes one container mounts. */
export function mountVolumes(store: Store, pod: StoredObject, containerName: string): MountResult {
  const ns = pod.metadata.namespace;
  const spec = (pod['spec'] ?? {}) as { volumes?: Volume[]; containers?: Array<{ name: string; volumeMounts?: VolumeMount[] }> };
  const container = spec.containers?.find((c) => c.name === containerName);
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  const files = new Map<string, string>();
  const errors: string[] = [];
  const sources = new Set<string>();
  for (const m of container?.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) continue;
    let content: Record<string, string> | undefined;
    let items: KeyToPath[] | undefined;
    if (v.secret) {
      const name = v.secret.secretName ?? '';
      sources.add(`secrets/${name}`);
      const s = store.get('core/secrets', ns, name);
      if (!s) {
        if (!v.secret.optional) errors.push(`MountVolume.SetUp failed for volume "${v.name}" : secret "${name}" not found`);
        continue;
      }
      content = decodeSecret(s['data']);
      items = v.secret.items;
    } else if (v.configMap) {
      const name = v.configMap.name ?? '';
      sources.add(`configmaps/${name}`);
      const c = store.get('core/configmaps', ns, name);
      if (!c) {
        if (!v.configMap.optional) errors.push(`MountVolume.SetUp failed for volume "${v.name}" : configmap "${name}" not found`);
        continue;
      }
      content = plain(c['data'], c['binaryData']);
      items = v.configMap.items;
    } else continue;
    const entries: Array<[string, string]> = items
      ? items.filter((it) => content![it.key] !== undefined).map((it) => [it.path, content![it.key]!])
      : Object.entries(content);
    const base = m.mountPath.replace(/\/+$/, '');
    for (const [rel, text] of entries) {
      if (m.subPath) {
        if (rel === m.subPath) files.set(base, text);
      } else files.set(`${base}/${rel}`, text);
    }
  }
  return { files, errors, sources };
}
