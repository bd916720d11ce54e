/**
 * The subresource hooks the API server hands pods/log, pods/proxy, services/proxy and
 * pods/portforward to, backed by the sandbox's kubelet.
 */
import type { Store } from '../store';
import type { SubresourceHooks } from '../types';
import { createPodLogHandler, type LogSource } from './pod-log';
import { createPortForwardHandler, type PortForwardTarget } from './port-forward';
import { createPodProxyHandler, createServiceProxyHandler, type ProxyTarget } from './proxy';

export type KubeletAccess = LogSource & PortForwardTarget & ProxyTarget;

export function createSubresourceHooks(store: Store, kubelet: KubeletAccess): SubresourceHooks & { close(): void } {
  const portForward = createPortForwardHandler(store, kubelet);
  return {
    'pods/log': createPodLogHandler(store, kubelet),
    'pods/proxy': createPodProxyHandler(store, kubelet),
    'services/proxy': createServiceProxyHandler(store, kubelet),
    'pods/portforward': portForward,
    close: () => portForward.close(),
  };
}
