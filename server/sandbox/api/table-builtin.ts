/**
 * Server-side printing of the built-in kinds, column for column as kube-apiserver's
 * pkg/printers/internalversion (what `kubectl get` shows).
 */
import { formatLabelSelector } from './selectors';

type Obj = Record<string, unknown>;
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}
export type Cell = string | number | boolean | null;
export interface Printer {
  columns: ColumnDefinition[];
  cells(o: Obj, now: Date): Cell[];
}

const col = (name: string, description: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...extra,
});
const NAME = col('Name', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.', { format: 'name' });
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const wide = (c: ColumnDefinition) => ({ ...c, priority: 1 });
const int = (c: ColumnDefinition) => ({ ...c, type: 'integer' });

const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const orNone = (x: string) => (x === '' ? '<none>' : x);

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const sec = seconds % 60;
    return sec === 0 ? `${minutes}m` : `${minutes}m${sec}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** translateTimestampSince: `<unknown>` for a missing time. */
export function since(ts: unknown, now: Date): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

const meta = (x: Obj) => o(x['metadata']);
const age = (x: Obj, now: Date) => since(meta(x)['creationTimestamp'], now);
const name = (x: Obj) => s(meta(x)['name']);

function podCells(p: Obj, now: Date): Cell[] {
  const spec = o(p['spec']);
  const st = o(p['status']);
  const containers = a(spec['containers']);
  let reason = s(st['reason']) || s(st['phase']) || 'Pending';
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  const statuses = a(st['containerStatuses']).map(o);
  for (const cs of statuses) {
    restarts += n(cs['restartCount']);
    const term = o(o(cs['lastState'])['terminated']);
    const fin = Date.parse(s(term['finishedAt']));
    if (!Number.isNaN(fin) && fin > lastRestart) lastRestart = fin;
  }
  let initializing = false;
  for (const [i, cs] of a(st['initContainerStatuses']).map(o).entries()) {
    const state = o(cs['state']);
    const term = o(state['terminated']);
    if (state['terminated'] && n(term['exitCode']) === 0) continue;
    initializing = true;
    const wait = o(state['waiting']);
    if (state['terminated']) reason = s(term['reason']) ? `Init:${s(term['reason'])}` : `Init:ExitCode:${n(term['exitCode'])}`;
    else if (s(wait['reason']) && s(wait['reason']) !== 'PodInitializing') reason = `Init:${s(wait['reason'])}`;
    else reason = `Init:${i}/${a(spec['initContainers']).length}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const cs of [...statuses].reverse()) {
      const state = o(cs['state']);
      const wait = o(state['waiting']);
      const term = o(state['terminated']);
      if (s(wait['reason'])) reason = s(wait['reason']);
      else if (state['terminated'] && s(term['reason'])) reason = s(term['reason']);
      else if (state['terminated']) reason = term['signal'] ? `Signal:${n(term['signal'])}` : `ExitCode:${n(term['exitCode'])}`;
      else if (state['running'] && cs['ready']) {
        hasRunning = true;
        ready++;
      } else if (state['running']) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'NotReady';
    if (reason === 'Completed' && hasRunning && ready === statuses.length) reason = 'Running';
  }
  if (meta(p)['deletionTimestamp']) reason = s(st['reason']) === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartCell = lastRestart > 0 ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : String(restarts);
  const gates = a(spec['readinessGates']).map((g) => s(o(g)['conditionType']));
  let gateCell = '<none>';
  if (gates.length) {
    const conds = a(st['conditions']).map(o);
    const ok = gates.filter((g) => conds.some((c) => c['type'] === g && c['status'] === 'True')).length;
    gateCell = `${ok}/${gates.length}`;
  }
  return [name(p), `${ready}/${containers.length}`, reason, restartCell, age(p, now), orNone(s(st['podIP'])), orNone(s(spec['nodeName'])), orNone(s(st['nominatedNodeName'])), gateCell];
}

function servicePorts(spec: Obj): string {
  const ports = a(spec['ports']).map(o);
  if (!ports.length) return '<none>';
  return ports.map((p) => `${n(p['port'])}${p['nodePort'] ? `:${n(p['nodePort'])}` : ''}/${s(p['protocol']) || 'TCP'}`).join(',');
}

function externalIP(svc: Obj): string {
  const spec = o(svc['spec']);
  const type = s(spec['type']) || 'ClusterIP';
  const ext = a(spec['externalIPs']).map(s);
  const lb = a(o(o(svc['status'])['loadBalancer'])['ingress']).map((i) => s(o(i)['ip']) || s(o(i)['hostname'])).filter(Boolean);
  if (type === 'ExternalName') return s(spec['externalName']);
  if (type === 'LoadBalancer') {
    const all = [...lb, ...ext];
    return all.length ? all.join(',') : '<pending>';
  }
  return ext.length ? ext.join(',') : '<none>';
}

const mapSelector = (m: unknown) => {
  const e = Object.entries(o(m)).sort(([x], [y]) => (x < y ? -1 : 1));
  return e.length ? e.map(([k, v]) => `${k}=${s(v)}`).join(',') : '<none>';
};

const containersOf = (tpl: Obj) => a(o(o(tpl)['spec'])['containers']).map(o);

function endpointsCell(subsets: unknown[]): string {
  const list: string[] = [];
  let total = 0;
  for (const ss of subsets.map(o)) {
    const ports = a(ss['ports']).map(o);
    for (const addr of a(ss['addresses']).map(o)) {
      if (!ports.length) {
        total++;
        if (list.length < 3) list.push(s(addr['ip']));
      }
      for (const p of ports) {
        total++;
        if (list.length < 3) list.push(`${s(addr['ip'])}:${n(p['port'])}`);
      }
    }
  }
  if (!total) return '<none>';
  return list.join(',') + (total > 3 ? ` + ${total - 3} more...` : '');
}

export const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [NAME, col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'), col('Status', 'The aggregate status of the containers in this pod.'), col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'), AGE, wide(col('IP', 'podIP address allocated to the pod.')), wide(col('Node', 'NodeName indicates in which node this pod is scheduled.')), wide(col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.')), wide(col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'))],
    cells: podCells,
  },
  Service: {
    columns: [NAME, col('Type', 'type determines how the Service is exposed.'), col('Cluster-IP', 'clusterIP is the IP address of the service.'), col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'), col('Port(s)', 'The list of ports that are exposed by this service.'), AGE, wide(col('Selector', 'Route service traffic to pods with label keys and values matching this selector.'))],
    cells: (x, now) => {
      const spec = o(x['spec']);
      return [name(x), s(spec['type']) || 'ClusterIP', orNone(s(spec['clusterIP'])), externalIP(x), servicePorts(spec), age(x, now), mapSelector(spec['selector'])];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready', 'Number of the pod with ready state'), int(col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.')), int(col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.')), AGE, wide(col('Containers', 'Names of each container in the template.')), wide(col('Images', 'Images referenced by each container in the template.')), wide(col('Selector', 'Label selector for pods.'))],
    cells: (x, now) => {
      const spec = o(x['spec']);
      const st = o(x['status']);
      const cs = containersOf(o(spec['template']));
      const desired = spec['replicas'] === undefined ? 1 : n(spec['replicas']);
      return [name(x), `${n(st['readyReplicas'])}/${desired}`, n(st['updatedReplicas']), n(st['availableReplicas']), age(x, now), cs.map((c) => s(c['name'])).join(','), cs.map((c) => s(c['image'])).join(','), formatLabelSelector(spec['selector'])];
    },
  },
  ReplicaSet: {
    columns: [NAME, int(col('Desired', 'Number of desired pods.')), int(col('Current', 'Number of actual pods.')), int(col('Ready', 'Number of ready pods.')), AGE, wide(col('Containers', 'Names of each container in the template.')), wide(col('Images', 'Images referenced by each container in the template.')), wide(col('Selector', 'Label selector for pods.'))],
    cells: (x, now) => {
      const spec = o(x['spec']);
      const st = o(x['status']);
      const cs = containersOf(o(spec['template']));
      return [name(x), spec['replicas'] === undefined ? 1 : n(spec['replicas']), n(st['replicas']), n(st['readyReplicas']), age(x, now), cs.map((c) => s(c['name'])).join(','), cs.map((c) => s(c['image'])).join(','), formatLabelSelector(spec['selector'])];
    },
  },
  Endpoints: {
    columns: [NAME, col('Endpoints', 'Endpoints of the service.'), AGE],
    cells: (x, now) => [name(x), endpointsCell(a(x['subsets'])), age(x, now)],
  },
  EndpointSlice: {
    columns: [NAME, col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'), col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'), col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'), AGE],
    cells: (x, now) => {
      const ports = a(x['ports']).map((p) => String(n(o(p)['port'])));
      const addrs = a(x['endpoints']).flatMap((e) => a(o(e)['addresses']).map(s));
      const shown = addrs.slice(0, 3).join(',') + (addrs.length > 3 ? ` + ${addrs.length - 3} more...` : '');
      return [name(x), s(x['addressType']), ports.length ? ports.join(',') : '<unset>', addrs.length ? shown : '<unset>', age(x, now)];
    },
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (x, now) => [name(x), s(o(x['status'])['phase']) || 'Active', age(x, now)],
  },
  Node: {
    columns: [NAME, col('Status', 'The status of the node'), col('Roles', 'The roles of the node'), AGE, col('Version', 'Kubelet Version reported by the node.'), wide(col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.')), wide(col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.')), wide(col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).')), wide(col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")), wide(col('Container-Runtime', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).'))],
    cells: (x, now) => {
      const st = o(x['status']);
      const ready = a(st['conditions']).map(o).find((c) => c['type'] === 'Ready');
      let stat = ready ? (ready['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
      if (o(x['spec'])['unschedulable']) stat += ',SchedulingDisabled';
      const roles = Object.keys(o(meta(x)['labels'])).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)).filter(Boolean);
      const addr = (t: string) => orNone(a(st['addresses']).map(o).filter((ad) => ad['type'] === t).map((ad) => s(ad['address'])).join(','));
      const info = o(st['nodeInfo']);
      return [name(x), stat, roles.length ? roles.sort().join(',') : '<none>', age(x, now), s(info['kubeletVersion']), addr('InternalIP'), addr('ExternalIP'), orNone(s(info['osImage'])), orNone(s(info['kernelVersion'])), orNone(s(info['containerRuntimeVersion']))];
    },
  },
  Event: {
    columns: [col('Last Seen', 'Time when this Event was last observed.'), col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'), col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'), col('Object', 'The object that this event is about.'), wide(col('Subobject', 'The field of the object this event is about.')), wide(col('Source', 'The component reporting this event.')), col('Message', 'A human-readable description of the status of this operation.'), wide(col('First Seen', 'The time at which the event was first recorded.')), wide(col('Count', 'The number of times this event has occurred.')), wide({ ...NAME })],
    cells: (x, now) => {
      const inv = o(x['involvedObject']);
      const last = s(x['lastTimestamp']) || s(x['eventTime']) || s(meta(x)['creationTimestamp']);
      const first = s(x['firstTimestamp']) || s(x['eventTime']) || s(meta(x)['creationTimestamp']);
      const src = o(x['source']);
      const source = s(src['component']) ? s(src['component']) + (s(src['host']) ? `, ${s(src['host'])}` : '') : s(x['reportingComponent']);
      const count = n(x['count']) || 1;
      return [since(last, now), s(x['type']), s(x['reason']), `${s(inv['kind']).toLowerCase()}/${s(inv['name'])}`, s(inv['fieldPath']), source, s(x['message']).trim(), since(first, now), String(count), name(x)];
    },
  },
  Secret: {
    columns: [NAME, col('Type', 'The type of the secret'), int(col('Data', 'The number of entries in the secret')), AGE],
    cells: (x, now) => [name(x), s(x['type']) || 'Opaque', Object.keys(o(x['data'])).length, age(x, now)],
  },
  ConfigMap: {
    columns: [NAME, int(col('Data', 'The number of entries in the configmap')), AGE],
    cells: (x, now) => [name(x), Object.keys(o(x['data'])).length + Object.keys(o(x['binaryData'])).length, age(x, now)],
  },
  ServiceAccount: {
    columns: [NAME, int(col('Secrets', 'The number of secrets referenced by this service account')), AGE],
    cells: (x, now) => [name(x), a(x['secrets']).length, age(x, now)],
  },
  Ingress: {
    columns: [NAME, col('Class', 'The name of the IngressClass resource.'), col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'), col('Address', 'Address is a list containing ingress points for the load-balancer'), col('Ports', 'Ports of TLS configurations that open'), AGE],
    cells: (x, now) => {
      const spec = o(x['spec']);
      const hosts = a(spec['rules']).map((r) => s(o(r)['host'])).filter(Boolean);
      const lb = a(o(o(o(x['status'])['loadBalancer']))['ingress']).map((i) => s(o(i)['ip']) || s(o(i)['hostname'])).filter(Boolean);
      const ports = a(spec['tls']).length ? '80, 443' : '80';
      const hostCell = hosts.length ? hosts.slice(0, 4).join(',') + (hosts.length > 4 ? ` + ${hosts.length - 4} more...` : '') : '*';
      return [name(x), s(spec['ingressClassName']) || '<none>', hostCell, lb.join(','), ports, age(x, now)];
    },
  },
  IngressClass: {
    columns: [NAME, col('Controller', 'Controller that is responsible for handling this class'), col('Parameters', 'A reference to a resource with additional parameters'), AGE],
    cells: (x, now) => {
      const spec = o(x['spec']);
      const p = o(spec['parameters']);
      return [name(x), s(spec['controller']), p['kind'] ? `${s(p['kind'])}/${s(p['name'])}` : '<none>', age(x, now)];
    },
  },
  CustomResourceDefinition: {
    columns: [NAME, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
    cells: (x) => [name(x), s(meta(x)['creationTimestamp'])],
  },
};
