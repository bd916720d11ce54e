/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding and
 * networking.k8s.io/v1 NetworkPolicy: stored and validated (so deployment manifests pass
 * `kubectl apply --dry-run=server`), not enforced — the sandbox authorizes by its users' rules
 * (SandboxOptions.users) and has no pod network policy.
 */
import { arr, d, int32, intOrString, obj, open, str } from './dsl';
import { labelSelector, topLevel } from './meta';

const policyRule = obj('PolicyRule', {
  verbs: d(arr(str()), 'Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. \'*\' represents all verbs.'),
  apiGroups: d(arr(str()), 'APIGroups is the name of the APIGroup that contains the resources.'),
  resources: d(arr(str()), 'Resources is a list of resources this rule applies to. \'*\' represents all resources.'),
  resourceNames: d(arr(str()), 'ResourceNames is an optional white list of names that the rule applies to.'),
  nonResourceURLs: d(arr(str()), 'NonResourceURLs is a set of partial urls that a user should have access to.'),
});

const subject = obj('Subject', { kind: str('Kind of object being referenced: User, Group or ServiceAccount.'), apiGroup: str(), name: str(), namespace: str() });
const roleRef = obj('RoleRef', { apiGroup: str(), kind: str('Kind is the type of resource being referenced'), name: str('Name is the name of resource being referenced') });

export const role = topLevel('Role', 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', {
  rules: d(arr(policyRule), 'Rules holds all the PolicyRules for this Role'),
});

export const clusterRole = topLevel('ClusterRole', 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
  rules: d(arr(policyRule), 'Rules holds all the PolicyRules for this ClusterRole'),
  aggregationRule: obj('AggregationRule', { clusterRoleSelectors: arr(labelSelector) }),
});

export const roleBinding = topLevel('RoleBinding', 'RoleBinding references a role, but does not contain it.', {
  subjects: d(arr(subject), 'Subjects holds references to the objects the role applies to.'),
  roleRef: d(roleRef, 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
});

export const clusterRoleBinding = topLevel('ClusterRoleBinding', 'ClusterRoleBinding references a ClusterRole, but not contain it.', {
  subjects: d(arr(subject), 'Subjects holds references to the objects the role applies to.'),
  roleRef: d(roleRef, 'RoleRef can only reference a ClusterRole in the global namespace.'),
});

const peer = obj('NetworkPolicyPeer', { podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: open() });
const port = obj('NetworkPolicyPort', { protocol: str(), port: intOrString(), endPort: int32() });

export const networkPolicy = topLevel('NetworkPolicy', 'NetworkPolicy describes what network traffic is allowed for a set of Pods', {
  spec: obj('NetworkPolicySpec', {
    podSelector: d(labelSelector, 'podSelector selects the pods to which this NetworkPolicy object applies.'),
    ingress: arr(obj('NetworkPolicyIngressRule', { from: arr(peer), ports: arr(port) })),
    egress: arr(obj('NetworkPolicyEgressRule', { to: arr(peer), ports: arr(port) })),
    policyTypes: arr(str()),
  }),
});
