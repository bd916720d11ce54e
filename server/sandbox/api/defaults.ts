/**
 * Defaulting of the built-in kinds, the part of k8s.io/kubernetes/pkg/apis/{core,apps}/v1
 * defaults.go that the sandbox's controllers and kubectl's output depend on (replicas, strategy,
 * Service port protocol/targetPort, restartPolicy…). Applied to every create and update, as the
 * apiserver's decoder does.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const obj = (parent: Obj, key: string): Obj => {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
};
const def = (o: Obj, key: string, v: unknown) => {
  if (o[key] === undefined) o[key] = v;
};

function containers(spec: Obj, key: string): void {
  const list = spec[key];
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isObj(c)) continue;
    const image = typeof c['image'] === 'string' ? c['image'] : '';
    const tag = image.includes('@') ? 'digest' : (image.split('/').pop() ?? '').split(':')[1];
    def(c, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
    def(c, 'terminationMessagePath', '/dev/termination-log');
    def(c, 'terminationMessagePolicy', 'File');
    def(c, 'resources', {});
    if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isObj(p)) def(p, 'protocol', 'TCP');
  }
}

export function defaultPodSpec(spec: Obj): void {
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'securityContext', {});
  def(spec, 'schedulerName', 'default-scheduler');
  if (spec['serviceAccountName'] !== undefined) def(spec, 'serviceAccount', spec['serviceAccountName']);
  containers(spec, 'containers');
  containers(spec, 'initContainers');
}

function defaultTemplate(spec: Obj): void {
  const tpl = obj(spec, 'template');
  defaultPodSpec(obj(tpl, 'spec'));
}

export function applyDefaults(kind: string, o: Obj): void {
  switch (kind) {
    case 'Pod':
      defaultPodSpec(obj(o, 'spec'));
      break;
    case 'Deployment': {
      const spec = obj(o, 'spec');
      def(spec, 'replicas', 1);
      const strategy = obj(spec, 'strategy');
      def(strategy, 'type', 'RollingUpdate');
      if (strategy['type'] === 'RollingUpdate') {
        const ru = obj(strategy, 'rollingUpdate');
        def(ru, 'maxUnavailable', '25%');
        def(ru, 'maxSurge', '25%');
      }
      def(spec, 'revisionHistoryLimit', 10);
      def(spec, 'progressDeadlineSeconds', 600);
      defaultTemplate(spec);
      break;
    }
    case 'ReplicaSet': {
      const spec = obj(o, 'spec');
      def(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    }
    case 'Service': {
      const spec = obj(o, 'spec');
      def(spec, 'type', 'ClusterIP');
      def(spec, 'sessionAffinity', 'None');
      if (spec['type'] !== 'ExternalName') def(spec, 'internalTrafficPolicy', 'Cluster');
      if (spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') def(spec, 'externalTrafficPolicy', 'Cluster');
      if (spec['type'] === 'LoadBalancer') def(spec, 'allocateLoadBalancerNodePorts', true);
      if (Array.isArray(spec['ports'])) {
        for (const p of spec['ports']) {
          if (!isObj(p)) continue;
          def(p, 'protocol', 'TCP');
          def(p, 'targetPort', p['port']);
        }
      }
      break;
    }
    case 'Namespace': {
      const spec = obj(o, 'spec');
      def(spec, 'finalizers', ['kubernetes']);
      break;
    }
    case 'Secret': {
      def(o, 'type', 'Opaque');
      const sd = o['stringData'];
      if (isObj(sd)) {
        const data = obj(o, 'data');
        for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        delete o['stringData'];
      }
      break;
    }
    case 'EndpointSlice':
      if (Array.isArray(o['ports'])) for (const p of o['ports']) if (isObj(p)) def(p, 'protocol', 'TCP');
      break;
  }
}

/** Status a new object starts with when its kind has a status subresource (what the create strategies reset it to). */
export function initialStatus(kind: string): Obj | undefined {
  switch (kind) {
    case 'Pod':
      return { phase: 'Pending' };
    case 'Namespace':
      return { phase: 'Active' };
    case 'Service':
      return { loadBalancer: {} };
    case 'Deployment':
    case 'ReplicaSet':
    case 'Ingress':
      return {};
    default:
      return undefined;
  }
}
