/** discovery.k8s.io EndpointSlice, networking.k8s.io Ingress/IngressClass, CRD, SelfSubjectAccessReview. */
import { arr, bool, d, int32, obj, open, str, strMap } from './dsl';
import { labelSelector, topLevel } from './meta';

export const endpointSlice = topLevel('EndpointSlice', 'EndpointSlice represents a subset of the endpoints that implement a service.', {
  addressType: str('addressType specifies the type of address carried by this EndpointSlice. Supported types are IPv4, IPv6 and FQDN.'),
  endpoints: arr(obj('Endpoint', {
    addresses: arr(str()), conditions: obj('EndpointConditions', { ready: bool(), serving: bool(), terminating: bool() }),
    hostname: str(), targetRef: open(), deprecatedTopology: strMap(), nodeName: str(), zone: str(), hints: open(),
  }), { description: 'endpoints is a list of unique endpoints in this slice.' }),
  ports: arr(obj('EndpointPort', { name: str(), protocol: str(), port: int32(), appProtocol: str() })),
});

export const ingress = topLevel('Ingress', 'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.', {
  spec: d(obj('IngressSpec', {
    ingressClassName: str('ingressClassName is the name of an IngressClass cluster resource.'),
    defaultBackend: open(),
    tls: arr(obj('IngressTLS', { hosts: arr(str()), secretName: str() })),
    rules: arr(obj('IngressRule', { host: str(), http: open() }), { description: 'rules is a list of host rules used to configure the Ingress.' }),
  }), 'spec is the desired state of the Ingress.'),
  status: obj('IngressStatus', { loadBalancer: obj('IngressLoadBalancerStatus', { ingress: arr(open()) }) }),
});

export const ingressClass = topLevel('IngressClass', 'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.', {
  spec: obj('IngressClassSpec', { controller: str('controller refers to the name of the controller that should handle this class.'), parameters: open() }),
});

export const customResourceDefinition = topLevel('CustomResourceDefinition', 'CustomResourceDefinition represents a resource that should be exposed on the API server.', {
  spec: open('spec describes how the user wants the resources to appear'),
  status: open('status indicates the actual state of the CustomResourceDefinition'),
});

const resourceAttributes = obj('ResourceAttributes', {
  namespace: str(), verb: str(), group: str(), version: str(), resource: str(), subresource: str(), name: str(),
  fieldSelector: open(), labelSelector: open(),
});

export const selfSubjectAccessReview = topLevel('SelfSubjectAccessReview', 'SelfSubjectAccessReview checks whether or the current user can perform an action.', {
  spec: obj('SelfSubjectAccessReviewSpec', {
    resourceAttributes: resourceAttributes,
    nonResourceAttributes: obj('NonResourceAttributes', { path: str(), verb: str() }),
  }),
  status: obj('SubjectAccessReviewStatus', { allowed: bool(), denied: bool(), reason: str(), evaluationError: str() }),
});

export const selfSubjectRulesReview = topLevel('SelfSubjectRulesReview', 'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.', {
  spec: obj('SelfSubjectRulesReviewSpec', { namespace: str('Namespace to evaluate rules for. Required.') }),
  status: obj('SubjectRulesReviewStatus', { resourceRules: arr(open()), nonResourceRules: arr(open()), incomplete: bool(), evaluationError: str() }),
});

export const selfSubjectReview = topLevel('SelfSubjectReview', 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.', {
  status: obj('SelfSubjectReviewStatus', { userInfo: obj('UserInfo', { username: str(), uid: str(), groups: arr(str()), extra: open() }) }),
});

export { labelSelector };
