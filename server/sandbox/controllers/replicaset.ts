/**
 * ReplicaSet controller: keeps `spec.replicas` active pods (created from the template with the
 * ReplicaSet as controller owner; the surplus deleted gracefully, the least useful first, ranked
 * as k8s' ActivePods) and reports status (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration).
 */
import { applyDefaults } from '../api/defaults';
import { isoSeconds, type Store, type StoredObject, type Watcher } from '../api/store';
import type { EventRecorder } from './events';
import { matchesSelector, type LabelSelector } from './label-selector';
import { controllerOf, int, isPodActive, isPodReady, ownedBy, ownerRefTo, podStatus } from './objects';
import { keyOf, splitKey, WorkQueue } from './work-queue';

const SOURCE = { component: 'replicaset-controller' };
/** Pods created per reconcile (k8s uses slow-start batches up to 500). */
const BURST = 500;

export function podFromTemplate(rs: StoredObject): StoredObject {
  const tpl = ((rs['spec'] as Record<string, unknown>)['template'] ?? {}) as { metadata?: StoredObject['metadata']; spec?: Record<string, unknown> };
  const spec = structuredClone(tpl.spec ?? {});
  // What admission adds on a cluster: the ServiceAccount and the default tolerations.
  spec['serviceAccountName'] ??= 'default';
  spec['serviceAccount'] ??= spec['serviceAccountName'];
  spec['enableServiceLinks'] ??= true;
  spec['priority'] ??= 0;
  spec['preemptionPolicy'] ??= 'PreemptLowerPriority';
  spec['tolerations'] ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  const pod: StoredObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
      ownerReferences: [ownerRefTo(rs)],
    },
    spec,
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
  applyDefaults('Pod', pod as unknown as Record<string, unknown>);
  return pod;
}

/** Deletion order (k8s controller.ActivePods, least useful first). */
function rank(p: StoredObject): number[] {
  const s = podStatus(p);
  const assigned = (p['spec'] as { nodeName?: string } | undefined)?.nodeName ? 1 : 0;
  const phase = s.phase === 'Pending' ? 0 : s.phase === 'Running' ? 2 : 1;
  const ready = isPodReady(p) ? 1 : 0;
  const restarts = ((s as { containerStatuses?: Array<{ restartCount?: number }> }).containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const created = Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return [assigned, phase, ready, -restarts, -created];
}

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly watchers: Watcher[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.queue = new WorkQueue('replicaset', (k) => this.reconcile(k));
  }

  start(): void {
    this.watchers.push(this.store.subscribe('apps/replicasets', (ev) => this.queue.add(keyOf(ev.object.metadata.namespace, ev.object.metadata.name))));
    this.watchers.push(
      this.store.subscribe('core/pods', (ev) => {
        const owner = controllerOf(ev.object);
        if (owner?.kind === 'ReplicaSet') this.queue.add(keyOf(ev.object.metadata.namespace, owner.name));
      }),
    );
    for (const rs of this.store.list('apps/replicasets').items) this.queue.add(keyOf(rs.metadata.namespace, rs.metadata.name));
  }

  close(): void {
    for (const w of this.watchers) w.stop();
    this.queue.close();
  }

  private reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.store.get('apps/replicasets', ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = rs['spec'] as { replicas?: number; selector?: LabelSelector; minReadySeconds?: number };
    const desired = int(spec.replicas, 1);
    const pods = [...this.store.peek('core/pods')].filter((p) => p.metadata.namespace === ns && ownedBy(p, rs.metadata.uid));
    const active = pods.filter(isPodActive);
    const diff = active.length - desired;
    if (diff < 0) {
      const n = Math.min(-diff, BURST);
      for (let i = 0; i < n; i++) {
        const pod = this.store.create('core/pods', podFromTemplate(rs));
        active.push(pod);
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      }
      if (n < -diff) this.queue.add(key);
    } else if (diff > 0) {
      const victims = [...active].sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
        return 0;
      });
      for (const p of victims.slice(0, diff)) {
        this.deletePod(p);
        active.splice(active.indexOf(p), 1);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    }
    this.writeStatus(rs, active, spec);
  }

  /** Graceful deletion, as the apiserver does for pods: mark, and let the kubelet stop and remove it. */
  private deletePod(p: StoredObject): void {
    const grace = int((p['spec'] as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds, 30);
    this.store.mutate('core/pods', p.metadata.namespace, p.metadata.name, (o) => {
      if (o.metadata.uid !== p.metadata.uid || o.metadata.deletionTimestamp) return o;
      o.metadata.deletionTimestamp = isoSeconds(new Date(this.now().getTime() + grace * 1000));
      o.metadata['deletionGracePeriodSeconds'] = grace;
    });
  }

  private writeStatus(rs: StoredObject, active: StoredObject[], spec: { selector?: LabelSelector; minReadySeconds?: number }): void {
    const tplLabels = ((spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels ?? {}) as Record<string, string>;
    const ready = active.filter(isPodReady);
    const minReady = int(spec.minReadySeconds, 0) * 1000;
    const nowMs = this.now().getTime();
    const available = ready.filter((p) => {
      if (minReady === 0) return true;
      const t = podStatus(p).conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
      return !!t && Date.parse(t) + minReady <= nowMs;
    });
    if (available.length < ready.length) this.queue.addAfter(keyOf(rs.metadata.namespace, rs.metadata.name), minReady);
    const fully = active.filter((p) => matchesSelector({ matchLabels: tplLabels }, p.metadata.labels));
    const status: Record<string, unknown> = { replicas: active.length };
    if (fully.length) status['fullyLabeledReplicas'] = fully.length;
    if (ready.length) status['readyReplicas'] = ready.length;
    if (available.length) status['availableReplicas'] = available.length;
    status['observedGeneration'] = rs.metadata.generation ?? 1;
    const prev = (rs['status'] ?? {}) as Record<string, unknown>;
    if (prev['conditions']) status['conditions'] = prev['conditions'];
    if (JSON.stringify(prev) === JSON.stringify(status)) return;
    this.store.mutate('apps/replicasets', rs.metadata.namespace, rs.metadata.name, (o) => {
      o['status'] = status;
    });
  }
}
