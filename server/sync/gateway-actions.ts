/**
 * The two repairs the Istio debugging guides end with, as the console's user (the kubeconfig's
 * identity: the API server decides, and its 403 is passed on):
 * - restart a gateway pod: `DELETE pods/<pod>` (its Deployment makes a replacement, which gets a
 *   full push from istiod);
 * - rollout restart of the gateway's Deployment, as `kubectl rollout restart` does: a patch of the
 *   pod template's annotation `kubectl.kubernetes.io/restartedAt` (RFC 3339 time), which rolls
 *   every pod by the Deployment's strategy.
 * Only gateway pods (lib/routing `gatewayPods`) and the Deployments that own them are touched: the
 * console is not a general pod deleter.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { meshSnapshotFromPlurals } from '../../lib/istio/snapshot';
import type { Deployment, Pod } from '../../lib/kube/core';
import type { KubeObject } from '../../lib/kube/object';
import { podRefError } from '../../lib/kube/names';
import { matchesLabels } from '../../lib/kube/selector';
import { gatewayPods } from '../../lib/routing/gateway-proxy';
import type { ClusterCache } from '../kube/cache';
import { HttpError } from '../kube/runtime-access';
import { KubeApiError, kubeJson } from '../kube/transport';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export interface GatewayActionResult {
  action: 'restart-pod' | 'rollout-restart';
  namespace: string;
  /** The pod deleted, or the Deployment patched. */
  name: string;
  /** For a rollout restart: the annotation value written. */
  restartedAt?: string;
  message: string;
}

/** The gateway pod `namespace/pod` from the cache, or a 400/404 HttpError. */
export function findGatewayPod(cache: ClusterCache, namespace: string, pod: string): Pod {
  const bad = podRefError(namespace, pod);
  if (bad) throw new HttpError(400, bad);
  const snapshot = meshSnapshotFromPlurals(cache.snapshot() as Record<string, KubeObject[]>);
  const found = gatewayPods(snapshot).find((p) => p.metadata.namespace === namespace && p.metadata.name === pod);
  if (!found) throw new HttpError(404, `${namespace}/${pod} is not a gateway pod the console knows (a pod selected by a Gateway, or running the proxy in router mode)`);
  return found;
}

/** The Deployment whose selector matches the pod (same namespace), or a 404 HttpError. */
export function deploymentOf(cache: ClusterCache, pod: Pod): Deployment {
  const ns = pod.metadata.namespace ?? '';
  const ds = (cache.list('deployments') as unknown as Deployment[]).filter(
    (d) => d.metadata.namespace === ns && !!d.spec?.selector?.matchLabels && matchesLabels(d.spec.selector.matchLabels, pod.metadata.labels),
  );
  if (ds.length === 0) throw new HttpError(404, `no Deployment in ${ns} selects pod ${pod.metadata.name}`);
  return ds[0]!;
}

function passOn(err: unknown, what: string): never {
  if (err instanceof KubeApiError) throw new HttpError(err.statusCode || 502, `${what}: ${err.message}`);
  throw err;
}

export async function restartGatewayPod(kc: KubeConfig, cache: ClusterCache, namespace: string, pod: string, signal?: AbortSignal): Promise<GatewayActionResult> {
  const p = findGatewayPod(cache, namespace, pod);
  try {
    await kubeJson(kc, {
      method: 'DELETE',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
      // Only the pod the user saw: a replacement with the same name is not deleted.
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: p.metadata.uid } },
      contentType: 'application/json',
      signal,
    });
  } catch (err) {
    passOn(err, `cannot delete pod ${namespace}/${pod}`);
  }
  return { action: 'restart-pod', namespace, name: pod, message: `pod ${namespace}/${pod} deleted; its Deployment starts a replacement` };
}

export async function rolloutRestartGateway(kc: KubeConfig, cache: ClusterCache, namespace: string, pod: string, now: Date, signal?: AbortSignal): Promise<GatewayActionResult> {
  const d = deploymentOf(cache, findGatewayPod(cache, namespace, pod));
  const restartedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    await kubeJson(kc, {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(d.metadata.name)}`,
      query: { fieldManager: 'gatescope' },
      body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } },
      contentType: 'application/strategic-merge-patch+json',
      signal,
    });
  } catch (err) {
    passOn(err, `cannot restart Deployment ${namespace}/${d.metadata.name}`);
  }
  return { action: 'rollout-restart', namespace, name: d.metadata.name, restartedAt, message: `deployment.apps/${d.metadata.name} restarted` };
}
