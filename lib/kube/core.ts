/**
 * The core Kubernetes kinds on an ingress request path (Service, Pod, Deployment, Node), typed
 * with the API's own field names, only as far as gatescope reads them.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
import type { KubeObject, ObjectMeta } from './object';
import type { LabelSelector } from './selector';

/** `ServicePort`. `targetPort` is a number or the name of a container port. */
export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  loadBalancerIP?: string;
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

/** `LoadBalancerIngress`: the external address a cloud (or the sandbox) gave a LoadBalancer Service. */
export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ports?: Array<{ port: number; protocol?: string; error?: string }>;
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: LoadBalancerIngress[] };
}

export type Service = KubeObject<ServiceSpec, ServiceStatus> & { kind?: 'Service' };

/** `ContainerPort`. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: ContainerPort[];
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  serviceAccountName?: string;
  [field: string]: unknown;
}

/** `PodCondition`; `type: Ready, status: 'True'` is what Endpoints controllers look at. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  hostIP?: string;
  conditions?: PodCondition[];
  [field: string]: unknown;
}

export type Pod = KubeObject<PodSpec, PodStatus> & { kind?: 'Pod' };

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: { metadata?: Partial<ObjectMeta>; spec: PodSpec };
}

export type Deployment = KubeObject<DeploymentSpec> & { kind?: 'Deployment' };

/** `NodeAddress` (`InternalIP`, `ExternalIP`, `Hostname`). */
export interface NodeAddress {
  type: string;
  address: string;
}

export type Node = KubeObject<Record<string, unknown>, { addresses?: NodeAddress[]; [field: string]: unknown }> & { kind?: 'Node' };

/**
 * Whether a pod is Ready: its `Ready` condition is `True` (what the Endpoints controller uses to
 * put an address in `addresses` rather than `notReadyAddresses`). A pod being deleted is not ready.
 */
export function isPodReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's IP (`status.podIP`, else the first of `status.podIPs`). */
export function podIP(pod: Pod): string | undefined {
  return pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
}

/**
 * Resolves a Service port's `targetPort` on one pod, as kube-proxy and the Endpoints controller
 * do: a number is used as is, a name is looked up among the pod's container ports (protocol must
 * agree), and an absent targetPort means the same number as `port`.
 *
 * @returns the container port number, or undefined when a named port does not exist on the pod.
 */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod | undefined): number | undefined {
  const t = servicePort.targetPort;
  if (t === undefined || t === '') return servicePort.port;
  if (typeof t === 'number') return t;
  if (/^[0-9]+$/.test(t)) return Number(t);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of pod?.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === t && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
