/**
 * Turning gateway access logging on: the exact change to the mesh config (ConfigMap `istio` in
 * `istio-system`, key `mesh`: `accessLogFile: /dev/stdout`), previewed from the cache, then written
 * with the previewed resourceVersion as precondition (a 409 if someone changed it meanwhile).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { enableAccessLogMesh, meshAccessLog } from '../../lib/logs/mesh-access-log';
import type { ClusterCache } from '../kube/cache';
import { FIELD_MANAGER } from '../kube/apply';
import { kubeJson } from '../kube/transport';

const PATH = '/api/v1/namespaces/istio-system/configmaps/istio';

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
  [k: string]: unknown;
}

export interface AccessLogChange {
  enabled: boolean;
  resourceVersion?: string;
  /** The `mesh` value now and after the change. */
  before?: string;
  after?: string;
}

export function previewEnableAccessLog(cache: ClusterCache): AccessLogChange {
  const cm = cache.get<ConfigMap>('configmaps', 'istio-system', 'istio');
  const state = meshAccessLog(cm);
  if (!cm) return { enabled: false };
  const { before, after } = enableAccessLogMesh(cm.data?.['mesh'] ?? '');
  return { enabled: state.enabled, resourceVersion: cm.metadata.resourceVersion, before, after };
}

/** Writes the change previewed at `resourceVersion`. Throws the API's error (409 when it moved on). */
export async function enableAccessLog(kc: KubeConfig, resourceVersion: string): Promise<ConfigMap> {
  const { body: live } = await kubeJson<ConfigMap>(kc, { path: PATH });
  const { after } = enableAccessLogMesh(live.data?.['mesh'] ?? '');
  const next: ConfigMap = { ...live, metadata: { ...live.metadata, resourceVersion }, data: { ...(live.data ?? {}), mesh: after } };
  const { body } = await kubeJson<ConfigMap>(kc, { method: 'PUT', path: PATH, query: { fieldManager: FIELD_MANAGER }, body: next });
  return body;
}
