/**
 * The sandbox's one Node object, as a kubelet registers it: addresses (InternalIP 127.0.0.1),
 * podCIDR (the sandbox's 127.X.0.0/16), capacity, Ready condition, nodeInfo; and the scheduler's
 * part (one node, so every pod fits there).
 */
import { arch, platform } from 'node:os';
import type { Store, StoredObject } from '../api/store';
import type { EventRecorder } from '../controllers/events';

export const KUBELET_VERSION = 'v1.32.0+gatescope-sandbox';

export function nodeObject(name: string, hostIP: string, podCIDR: string, now: string): StoredObject {
  const goArch = arch() === 'x64' ? 'amd64' : arch();
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const resources = { cpu: '2', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': platform() === 'win32' ? 'windows' : 'linux',
        'kubernetes.io/arch': goArch,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': goArch,
        'node-role.kubernetes.io/control-plane': '',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR, podCIDRs: [podCIDR] },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: hostIP },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'gatescope-sandbox',
        systemUUID: 'gatescope-sandbox',
        bootID: 'gatescope-sandbox',
        kernelVersion: 'sandbox',
        osImage: 'gatescope sandbox',
        containerRuntimeVersion: 'sandbox://1.0.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: goArch,
      },
    },
  };
}

/** Binds a pod to the node (spec.nodeName, PodScheduled), with the scheduler's Scheduled event. */
export function bindPod(store: Store, events: EventRecorder, pod: StoredObject, nodeName: string, now: string): void {
  const updated = store.mutate('core/pods', pod.metadata.namespace, pod.metadata.name, (p) => {
    (p['spec'] as Record<string, unknown>)['nodeName'] = nodeName;
    const status = (p['status'] ?? {}) as Record<string, unknown>;
    const conds = ((status['conditions'] as Array<{ type: string }> | undefined) ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as { type: string });
    status['conditions'] = conds;
    status['phase'] ??= 'Pending';
    p['status'] = status;
  });
  if (updated) {
    events.record(updated, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, { component: 'default-scheduler' });
  }
}

/** Creates the Node, or refreshes it when a previous kubelet of this store left one. */
export function registerNode(store: Store, name: string, hostIP: string, podCIDR: string, now: string): void {
  const node = nodeObject(name, hostIP, podCIDR, now);
  const cur = store.get('core/nodes', undefined, name);
  if (!cur) store.create('core/nodes', node);
  else store.update('core/nodes', { ...node, metadata: { ...cur.metadata, labels: node.metadata.labels } });
}
