/** core/v1 Pod, apps/v1 Deployment and ReplicaSet, autoscaling/v1 Scale. */
import type { JsonSchema } from '../istio-crds';
import { arr, bool, d, int32, int64, intOrString, mapOf, mergeList, obj, open, quantity, str, strMap, time } from './dsl';
import { labelSelector, objectMeta, topLevel } from './meta';

const containerPort = obj('ContainerPort', {
  name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod.'),
  hostPort: int32('Number of port to expose on the host.'),
  containerPort: int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
  protocol: { ...str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".'), default: 'TCP' },
  hostIP: str('What host IP to bind the external port to.'),
}, { required: ['containerPort'] });

const envVar = obj('EnvVar', {
  name: str('Name of the environment variable.'),
  value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container.'),
  valueFrom: open("Source for the environment variable's value. Cannot be used if value is not empty."),
}, { required: ['name'] });

const volumeMount = obj('VolumeMount', {
  name: str('This must match the Name of a Volume.'),
  readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified).'),
  recursiveReadOnly: str(),
  mountPath: str('Path within the container at which the volume should be mounted.'),
  subPath: str(),
  mountPropagation: str(),
  subPathExpr: str(),
}, { required: ['name', 'mountPath'] });

const resources = obj('ResourceRequirements', {
  limits: mapOf(quantity(), 'Limits describes the maximum amount of compute resources allowed.'),
  requests: mapOf(quantity(), 'Requests describes the minimum amount of compute resources required.'),
  claims: arr(open()),
});

function container(goName: string): JsonSchema {
  return obj(goName, {
    name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
    image: str('Container image name.'),
    command: arr(str(), { description: "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided." }),
    args: arr(str(), { description: "Arguments to the entrypoint. The container image's CMD is used if this is not provided." }),
    workingDir: str("Container's working directory."),
    ports: mergeList(containerPort, 'containerPort', {
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      description: 'List of ports to expose from the container.',
    }),
    envFrom: arr(open()),
    env: mergeList(envVar, 'name', { description: 'List of environment variables to set in the container. Cannot be updated.' }),
    resources: d(resources, 'Compute Resources required by this container.'),
    resizePolicy: arr(open()),
    restartPolicy: str(),
    volumeMounts: mergeList(volumeMount, 'mountPath', { description: "Pod volumes to mount into the container's filesystem. Cannot be updated." }),
    volumeDevices: mergeList(open(), 'devicePath'),
    livenessProbe: open('Periodic probe of container liveness.'),
    readinessProbe: open('Periodic probe of container service readiness.'),
    startupProbe: open('StartupProbe indicates that the Pod has successfully initialized.'),
    lifecycle: open(),
    terminationMessagePath: str(),
    terminationMessagePolicy: str(),
    imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent.'),
    securityContext: open(),
    stdin: bool(),
    stdinOnce: bool(),
    tty: bool(),
    targetContainerName: str(),
  }, { required: ['name'] });
}

const volume = obj('Volume', {
  name: str("name of the volume. Must be a DNS_LABEL and unique within the pod."),
}, { required: ['name'], 'x-kubernetes-preserve-unknown-fields': true, description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.' });

export const podSpec: JsonSchema = obj('PodSpec', {
  volumes: mergeList(volume, 'name', { 'x-kubernetes-patch-strategy': 'merge,retainKeys', description: 'List of volumes that can be mounted by containers belonging to the pod.' }),
  initContainers: mergeList(container('Container'), 'name', { description: 'List of initialization containers belonging to the pod.' }),
  containers: mergeList(container('Container'), 'name', { description: 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.' }),
  ephemeralContainers: mergeList(container('EphemeralContainer'), 'name'),
  restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never.'),
  terminationGracePeriodSeconds: int64(),
  activeDeadlineSeconds: int64(),
  dnsPolicy: str(),
  nodeSelector: strMap("NodeSelector is a selector which must be true for the pod to fit on a node."),
  serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
  serviceAccount: str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName.'),
  automountServiceAccountToken: bool(),
  nodeName: str('NodeName indicates in which node this pod is scheduled.'),
  hostNetwork: bool(),
  hostPID: bool(),
  hostIPC: bool(),
  shareProcessNamespace: bool(),
  securityContext: open(),
  imagePullSecrets: mergeList(open(), 'name'),
  hostname: str(),
  subdomain: str(),
  affinity: open("If specified, the pod's scheduling constraints"),
  schedulerName: str(),
  tolerations: arr(open(), { description: "If specified, the pod's tolerations." }),
  hostAliases: mergeList(open(), 'ip'),
  priorityClassName: str(),
  priority: int32(),
  dnsConfig: open(),
  readinessGates: arr(open()),
  runtimeClassName: str(),
  enableServiceLinks: bool(),
  preemptionPolicy: str(),
  overhead: mapOf(quantity()),
  topologySpreadConstraints: mergeList(open(), 'topologyKey'),
  setHostnameAsFQDN: bool(),
  os: open(),
  hostUsers: bool(),
  schedulingGates: mergeList(open(), 'name'),
  resourceClaims: mergeList(open(), 'name'),
  resources: open(),
}, { required: ['containers'] });

const condition = (goName: string) => obj(goName, {
  type: str(), status: str(), lastProbeTime: time(), lastTransitionTime: time(), lastUpdateTime: time(), lastHeartbeatTime: time(), reason: str(), message: str(), observedGeneration: int64(),
}, { required: ['type', 'status'] });

const podStatus = obj('PodStatus', {
  phase: str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. One of Pending, Running, Succeeded, Failed, Unknown.'),
  conditions: mergeList(condition('PodCondition'), 'type', { description: 'Current service state of pod.' }),
  message: str(), reason: str(), nominatedNodeName: str(),
  hostIP: str(), hostIPs: arr(open()), podIP: str('podIP address allocated to the pod.'), podIPs: arr(open()),
  startTime: time(),
  initContainerStatuses: arr(open()), containerStatuses: arr(open('ContainerStatus contains details for the current status of this container.')), ephemeralContainerStatuses: arr(open()),
  qosClass: str(), resize: str(), resourceClaimStatuses: arr(open()), observedGeneration: int64(),
}, { 'x-kubernetes-preserve-unknown-fields': true });

export const pod = topLevel('Pod', 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', {
  spec: d(podSpec, 'Specification of the desired behavior of the pod.'),
  status: d(podStatus, 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.'),
});

export const podTemplateSpec = obj('PodTemplateSpec', {
  metadata: d(objectMeta, "Standard object's metadata."),
  spec: d(podSpec, 'Specification of the desired behavior of the pod.'),
}, { description: 'Template describes the pods that will be created.' });

const deploymentStrategy = obj('DeploymentStrategy', {
  type: str('Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
  rollingUpdate: obj('RollingUpdateDeployment', {
    maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update.'),
    maxSurge: intOrString('The maximum number of pods that can be scheduled above the desired number of pods.'),
  }),
}, { 'x-kubernetes-patch-strategy': 'retainKeys', description: 'The deployment strategy to use to replace existing pods with new ones.' });

const workloadStatus = (goName: string) => obj(goName, {
  observedGeneration: int64(), replicas: int32(), updatedReplicas: int32(), readyReplicas: int32(), availableReplicas: int32(),
  unavailableReplicas: int32(), fullyLabeledReplicas: int32(), terminatingReplicas: int32(), collisionCount: int32(),
  conditions: mergeList(condition(`${goName.replace('Status', '')}Condition`), 'type'),
}, { 'x-kubernetes-preserve-unknown-fields': true });

export const deployment = topLevel('Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', {
  spec: d(obj('DeploymentSpec', {
    replicas: int32('Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.'),
    selector: d(labelSelector, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
    template: podTemplateSpec,
    strategy: deploymentStrategy,
    minReadySeconds: int32(),
    revisionHistoryLimit: int32(),
    paused: bool(),
    progressDeadlineSeconds: int32(),
  }, { required: ['selector', 'template'] }), 'Specification of the desired behavior of the Deployment.'),
  status: d(workloadStatus('DeploymentStatus'), 'Most recently observed status of the Deployment.'),
});

export const replicaSet = topLevel('ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
  spec: d(obj('ReplicaSetSpec', {
    replicas: int32('Replicas is the number of desired pods.'),
    minReadySeconds: int32(),
    selector: d(labelSelector, 'Selector is a label query over pods that should match the replica count.'),
    template: podTemplateSpec,
  }, { required: ['selector'] }), 'Spec defines the specification of the desired behavior of the ReplicaSet.'),
  status: d(workloadStatus('ReplicaSetStatus'), 'Status is the most recently observed status of the ReplicaSet.'),
});

export const scale = topLevel('Scale', 'Scale represents a scaling request for a resource.', {
  spec: obj('ScaleSpec', { replicas: int32('replicas is the desired number of instances for the scaled object.') }),
  status: obj('ScaleStatus', { replicas: int32('replicas is the actual number of observed instances of the scaled object.'), selector: str('label query over pods that should match the replicas count.') }),
});
