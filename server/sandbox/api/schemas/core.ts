/** core/v1 Service, Namespace, Node, Endpoints, ConfigMap, Secret, ServiceAccount, Event. */
import { arr, bool, d, int32, intOrString, mergeList, obj, open, setList, str, strMap, time } from './dsl';
import { topLevel } from './meta';

const servicePort = obj('ServicePort', {
  name: str('The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names.'),
  protocol: { ...str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.'), default: 'TCP' },
  appProtocol: str('The application protocol for this port.'),
  port: int32('The port that will be exposed by this service.'),
  targetPort: intOrString("Number or name of the port to access on the pods targeted by the service."),
  nodePort: int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.'),
}, { required: ['port'] });

export const service = topLevel('Service', 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
  spec: d(obj('ServiceSpec', {
    ports: mergeList(servicePort, 'port', { 'x-kubernetes-list-map-keys': ['port', 'protocol'], description: 'The list of ports that are exposed by this service.' }),
    selector: strMap('Route service traffic to pods with label keys and values matching this selector.'),
    clusterIP: str('clusterIP is the IP address of the service and is usually assigned randomly.'),
    clusterIPs: arr(str()),
    type: str('type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.'),
    externalIPs: arr(str()),
    sessionAffinity: str(),
    loadBalancerIP: str(),
    loadBalancerSourceRanges: arr(str()),
    externalName: str(),
    externalTrafficPolicy: str(),
    healthCheckNodePort: int32(),
    publishNotReadyAddresses: bool(),
    sessionAffinityConfig: open(),
    ipFamilies: arr(str()),
    ipFamilyPolicy: str(),
    allocateLoadBalancerNodePorts: bool(),
    loadBalancerClass: str(),
    internalTrafficPolicy: str(),
    trafficDistribution: str(),
  }), 'Spec defines the behavior of a service.'),
  status: d(obj('ServiceStatus', {
    loadBalancer: obj('LoadBalancerStatus', { ingress: arr(open()) }, { description: 'LoadBalancer contains the current status of the load-balancer, if one is present.' }),
    conditions: mergeList(open(), 'type'),
  }), 'Most recently observed status of the service.'),
});

export const namespace = topLevel('Namespace', 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
  spec: obj('NamespaceSpec', { finalizers: arr(str()) }),
  status: obj('NamespaceStatus', { phase: str('Phase is the current lifecycle phase of the namespace.'), conditions: mergeList(open(), 'type') }),
});

export const node = topLevel('Node', 'Node is a worker node in Kubernetes.', {
  spec: obj('NodeSpec', {
    podCIDR: str(), podCIDRs: arr(str()), providerID: str(), unschedulable: bool(), taints: arr(open()), configSource: open(), externalID: str(),
  }),
  status: obj('NodeStatus', {
    capacity: strMap(), allocatable: strMap(), phase: str(), conditions: mergeList(open(), 'type'), addresses: mergeList(open(), 'type'),
    daemonEndpoints: open(), nodeInfo: open(), images: arr(open()), volumesInUse: arr(str()), volumesAttached: arr(open()), config: open(), runtimeHandlers: arr(open()), features: open(),
  }, { 'x-kubernetes-preserve-unknown-fields': true }),
});

export const endpoints = topLevel('Endpoints', 'Endpoints is a collection of endpoints that implement the actual service.', {
  subsets: arr(obj('EndpointSubset', {
    addresses: arr(open('EndpointAddress is a tuple that describes single IP address.')),
    notReadyAddresses: arr(open()),
    ports: arr(open()),
  }), { description: 'The set of all endpoints is the union of all subsets.' }),
});

export const configMap = topLevel('ConfigMap', 'ConfigMap holds configuration data for pods to consume.', {
  immutable: bool(),
  data: strMap('Data contains the configuration data.'),
  binaryData: strMap('BinaryData contains the binary data.'),
});

export const secret = topLevel('Secret', 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
  immutable: bool(),
  data: d({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string.'),
  stringData: strMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.'),
  type: str('Used to facilitate programmatic handling of secret data.'),
});

export const serviceAccount = topLevel('ServiceAccount', 'ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; a set of secrets.', {
  secrets: mergeList(open(), 'name'),
  imagePullSecrets: arr(open()),
  automountServiceAccountToken: bool(),
});

export const event = topLevel('Event', 'Event is a report of an event somewhere in the cluster.', {
  involvedObject: obj('ObjectReference', {
    kind: str(), namespace: str(), name: str(), uid: str(), apiVersion: str(), resourceVersion: str(), fieldPath: str(),
  }, { description: 'The object that this event is about.' }),
  reason: str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
  message: str('A human-readable description of the status of this operation.'),
  source: obj('EventSource', { component: str(), host: str() }),
  firstTimestamp: time(),
  lastTimestamp: time(),
  count: int32(),
  type: str('Type of this event (Normal, Warning), new types could be added in the future'),
  eventTime: { type: 'string', format: 'date-time' },
  series: open(),
  action: str(),
  related: open(),
  reportingComponent: str(),
  reportingInstance: str(),
});

export const finalizersOnly = setList(str());
