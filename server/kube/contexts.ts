/**
 * The kubeconfig's contexts, for the context picker (local mode): their names and clusters (never
 * credentials) and a KubeConfig per context. Each context's services (cache, topology, sync,
 * logs…) are server/context/registry.ts's.
 */
import { KubeConfig } from '@kubernetes/client-node';

export interface ContextInfo {
  name: string;
  cluster: string;
  server: string;
  namespace?: string;
  user: string;
}

export function listContexts(kc: KubeConfig): ContextInfo[] {
  return kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server ?? '',
    ...(c.namespace ? { namespace: c.namespace } : {}),
    user: c.user,
  }));
}

/** A copy of `base` whose current context is `name`; throws when the kubeconfig has no such context. */
export function kubeConfigForContext(base: KubeConfig, name: string): KubeConfig {
  if (!base.getContextObject(name)) throw new Error(`context "${name}" is not in the kubeconfig`);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: name });
  return kc;
}
