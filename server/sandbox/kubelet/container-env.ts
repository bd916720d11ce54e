/**
 * What a container process sees of its spec: environment variables with `valueFrom` resolved
 * (fieldRef, configMapKeyRef, secretKeyRef) and `$(VAR)` references expanded in env values and
 * args, as the kubelet does (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, expansion).
 * Not handled: resourceFieldRef, envFrom prefixes beyond plain copying.
 */
import type { Store, StoredObject } from '../api/store';
import type { ContainerContext } from './container';

type ContainerSpec = ContainerContext['container'];
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

function fieldValue(pod: StoredObject, podIP: string, hostIP: string, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  const spec = (pod['spec'] ?? {}) as { nodeName?: string; serviceAccountName?: string };
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return hostIP;
    default:
      return '';
  }
}

/** `$(VAR)` → value when VAR is defined, `$$` → `$`, unknown references kept as written. */
export function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => (name === undefined ? '$' : (vars.get(name) ?? all)));
}

export function resolveContainer(store: Store, pod: StoredObject, spec: ContainerSpec, podIP: string, hostIP: string): ContainerSpec {
  const ns = pod.metadata.namespace;
  const vars = new Map<string, string>();
  const env: Array<{ name: string; value?: string }> = [];
  for (const e of (spec.env ?? []) as EnvVar[]) {
    let value: string | undefined;
    if (e.value !== undefined) value = expand(e.value, vars);
    else if (e.valueFrom?.fieldRef) value = fieldValue(pod, podIP, hostIP, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.configMapKeyRef) {
      const r = e.valueFrom.configMapKeyRef;
      value = (store.get('core/configmaps', ns, r.name)?.['data'] as Record<string, string> | undefined)?.[r.key];
    } else if (e.valueFrom?.secretKeyRef) {
      const r = e.valueFrom.secretKeyRef;
      const b64 = (store.get('core/secrets', ns, r.name)?.['data'] as Record<string, string> | undefined)?.[r.key];
      value = b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
    }
    if (value === undefined) continue;
    vars.set(e.name, value);
    env.push({ name: e.name, value });
  }
  const out = structuredClone(spec);
  out.env = env;
  if (spec.args) out.args = spec.args.map((a) => expand(a, vars));
  const cmd = (spec as { command?: string[] }).command;
  if (cmd) (out as { command?: string[] }).command = cmd.map((a) => expand(a, vars));
  return out;
}
