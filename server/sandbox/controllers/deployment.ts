/**
 * Deployment controller (k8s.io/kubernetes/pkg/controller/deployment, in small): one ReplicaSet per
 * pod template, named `<deployment>-<pod-template-hash>`, owned by the Deployment; scaling;
 * RollingUpdate (maxSurge / maxUnavailable) and Recreate rollouts on a template change; old
 * ReplicaSets kept up to revisionHistoryLimit; status and the Available / Progressing conditions
 * that `kubectl rollout status` reads.
 * Not handled: paused rollouts beyond "do nothing", progressDeadlineSeconds, adoption of orphans.
 */
import type { Store, StoredObject, Watcher } from '../api/store';
import { isoSeconds } from '../api/store';
import type { EventRecorder } from './events';
import { controllerOf, int, ownedBy, ownerRefTo, stableJson } from './objects';
import { keyOf, splitKey, WorkQueue } from './work-queue';

const SOURCE = { component: 'deployment-controller' };
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

type Obj = Record<string, unknown>;
interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Obj;
}
interface DeploymentSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template?: Template;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  paused?: boolean;
  minReadySeconds?: number;
}

/** FNV-1a 32-bit. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** pod-template-hash as k8s computes its shape: FNV-32a of the template, rand.SafeEncodeString of the decimal. */
export function podTemplateHash(template: Template, collisionCount = 0): string {
  const h = fnv32a(stableJson(prune(template)) + (collisionCount ? String(collisionCount) : ''));
  return [...String(h)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

/** Drops nulls and empty objects: Go's typed decoding makes `creationTimestamp: null` and an absent field the same. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      const p = prune(x);
      if (p === null || p === undefined || (typeof p === 'object' && !Array.isArray(p) && Object.keys(p as Obj).length === 0)) continue;
      out[k] = p;
    }
    return out;
  }
  return v;
}

/** The template as EqualIgnoreHash compares it. */
function withoutHash(t: Template | undefined): string {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[HASH_LABEL];
  return stableJson(prune(c));
}

/** intstr: an absolute number or a percentage of `total` (rounded up for surge, down for unavailable). */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const x = v ?? fallback;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

const replicasOf = (rs: StoredObject) => int((rs['spec'] as Obj)['replicas'], 0);
const st = (rs: StoredObject, k: string) => int(((rs['status'] ?? {}) as Obj)[k], 0);
const revisionOf = (rs: StoredObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const createdMs = (o: StoredObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly watchers: Watcher[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.queue = new WorkQueue('deployment', (k) => this.reconcile(k));
  }

  start(): void {
    this.watchers.push(this.store.subscribe('apps/deployments', (ev) => this.queue.add(keyOf(ev.object.metadata.namespace, ev.object.metadata.name))));
    this.watchers.push(
      this.store.subscribe('apps/replicasets', (ev) => {
        const owner = controllerOf(ev.object);
        if (owner?.kind === 'Deployment') this.queue.add(keyOf(ev.object.metadata.namespace, owner.name));
      }),
    );
    for (const d of this.store.list('apps/deployments').items) this.queue.add(keyOf(d.metadata.namespace, d.metadata.name));
  }

  close(): void {
    for (const w of this.watchers) w.stop();
    this.queue.close();
  }

  private scale(d: StoredObject, rs: StoredObject, to: number, maxReplicas: number): StoredObject {
    const from = replicasOf(rs);
    const desired = int((d['spec'] as Obj)['replicas'], 1);
    const updated = this.store.mutate('apps/replicasets', rs.metadata.namespace, rs.metadata.name, (o) => {
      (o['spec'] as Obj)['replicas'] = to;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(maxReplicas) };
    });
    if (from !== to) {
      this.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, SOURCE);
    }
    return updated ?? rs;
  }

  private reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.store.get('apps/deployments', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = (d['spec'] ?? {}) as DeploymentSpec;
    const replicas = int(spec.replicas, 1);
    const rses = [...this.store.peek('apps/replicasets')].filter((rs) => rs.metadata.namespace === ns && ownedBy(rs, d.metadata.uid));
    const want = withoutHash(spec.template);
    let newRS = rses.find((rs) => withoutHash((rs['spec'] as Obj)['template'] as Template) === want);
    let olds = rses.filter((rs) => rs !== newRS).sort((a, b) => createdMs(a) - createdMs(b));
    if (spec.paused) return this.writeStatus(d, newRS, olds, replicas, spec);

    const recreate = spec.strategy?.type === 'Recreate';
    const maxSurge = recreate ? 0 : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%');
    let maxUnavailable = recreate ? replicas : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%');
    if (!recreate && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const maxTotal = replicas + maxSurge;
    const maxRevision = Math.max(0, ...rses.map(revisionOf));
    const oldTotal = olds.reduce((n, rs) => n + replicasOf(rs), 0);

    if (!newRS) {
      const initial = recreate ? (oldTotal > 0 ? 0 : replicas) : oldTotal === 0 ? replicas : Math.max(0, Math.min(replicas, maxTotal - oldTotal));
      newRS = this.createReplicaSet(d, spec, initial, maxRevision + 1, maxTotal);
      if (!newRS) return; // hash collision: status.collisionCount bumped, requeued by the MODIFIED event
      if (initial > 0) this.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRS.metadata.name} from 0 to ${initial}`, SOURCE);
    } else if (revisionOf(newRS) < maxRevision) {
      newRS = this.store.mutate('apps/replicasets', ns, newRS.metadata.name, (o) => {
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION]: String(maxRevision + 1) };
      }) ?? newRS;
    }

    if (recreate) {
      for (const rs of olds) if (replicasOf(rs) > 0) this.scale(d, rs, 0, maxTotal);
      const oldPods = olds.reduce((n, rs) => n + st(rs, 'replicas'), 0);
      if (oldPods === 0 && replicasOf(newRS) !== replicas) newRS = this.scale(d, newRS, replicas, maxTotal);
    } else if (oldTotal === 0) {
      if (replicasOf(newRS) !== replicas) newRS = this.scale(d, newRS, replicas, maxTotal);
    } else {
      // Scale up the new ReplicaSet within maxSurge.
      const total = oldTotal + replicasOf(newRS);
      if (replicasOf(newRS) > replicas) newRS = this.scale(d, newRS, replicas, maxTotal);
      else if (replicasOf(newRS) < replicas && total < maxTotal) {
        newRS = this.scale(d, newRS, Math.min(replicas, replicasOf(newRS) + (maxTotal - total)), maxTotal);
      }
      // Scale down old ReplicaSets within maxUnavailable: unhealthy replicas first, then available ones.
      const minAvailable = replicas - maxUnavailable;
      const allPods = olds.reduce((n, rs) => n + replicasOf(rs), 0) + replicasOf(newRS);
      const newUnavailable = replicasOf(newRS) - st(newRS, 'availableReplicas');
      let budget = allPods - minAvailable - newUnavailable;
      olds = olds.map((rs) => {
        if (budget <= 0) return rs;
        const unhealthy = replicasOf(rs) - st(rs, 'availableReplicas');
        if (unhealthy <= 0) return rs;
        const by = Math.min(budget, unhealthy);
        budget -= by;
        return this.scale(d, rs, replicasOf(rs) - by, maxTotal);
      });
      const available = olds.reduce((n, rs) => n + Math.min(st(rs, 'availableReplicas'), replicasOf(rs)), 0) + st(newRS, 'availableReplicas');
      let down = available - minAvailable;
      olds = olds.map((rs) => {
        if (down <= 0 || replicasOf(rs) === 0) return rs;
        const by = Math.min(down, replicasOf(rs));
        down -= by;
        return this.scale(d, rs, replicasOf(rs) - by, maxTotal);
      });
    }
    this.cleanup(d, spec, olds);
    this.writeStatus(d, newRS, olds, replicas, spec);
  }

  private createReplicaSet(d: StoredObject, spec: DeploymentSpec, replicas: number, revision: number, maxTotal: number): StoredObject | undefined {
    const collisionCount = int(((d['status'] ?? {}) as Obj)['collisionCount'], 0);
    const template = structuredClone(spec.template ?? {});
    const hash = podTemplateHash(template, collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = structuredClone(spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const name = `${d.metadata.name}-${hash}`;
    const existing = this.store.get('apps/replicasets', d.metadata.namespace, name);
    if (existing) {
      this.store.mutate('apps/deployments', d.metadata.namespace, d.metadata.name, (o) => {
        o['status'] = { ...((o['status'] ?? {}) as Obj), collisionCount: collisionCount + 1 };
      });
      return undefined;
    }
    const rs: StoredObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata.namespace,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(int(spec.replicas, 1)),
          'deployment.kubernetes.io/max-replicas': String(maxTotal),
          [REVISION]: String(revision),
        },
        ownerReferences: [ownerRefTo(d)],
      },
      spec: { replicas, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
      status: { replicas: 0 },
    };
    return this.store.create('apps/replicasets', rs);
  }

  private cleanup(d: StoredObject, spec: DeploymentSpec, olds: StoredObject[]): void {
    const limit = int(spec.revisionHistoryLimit, 10);
    const idle = olds.filter((rs) => replicasOf(rs) === 0 && st(rs, 'replicas') === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        this.store.delete('apps/replicasets', rs.metadata.namespace, rs.metadata.name, { uid: rs.metadata.uid });
      } catch {
        // gone already
      }
    }
  }

  private writeStatus(d: StoredObject, newRS: StoredObject | undefined, olds: StoredObject[], replicas: number, spec: DeploymentSpec): void {
    const all = newRS ? [newRS, ...olds] : olds;
    const sum = (k: string) => all.reduce((n, rs) => n + st(rs, k), 0);
    const specTotal = all.reduce((n, rs) => n + replicasOf(rs), 0);
    const available = sum('availableReplicas');
    const updated = newRS ? st(newRS, 'replicas') : 0;
    const maxUnavailable = spec.strategy?.type === 'Recreate' ? replicas : resolveIntOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%');
    const prev = (d['status'] ?? {}) as Obj;
    const prevConds = new Map(((prev['conditions'] as Array<Obj> | undefined) ?? []).map((c) => [c['type'] as string, c]));
    const nowIso = isoSeconds(this.now());
    const cond = (type: string, ok: boolean, reason: string, message: string): Obj => {
      const p = prevConds.get(type);
      const status = ok ? 'True' : 'False';
      const same = p && p['status'] === status && p['reason'] === reason && p['message'] === message;
      return {
        type,
        status,
        lastUpdateTime: same ? p['lastUpdateTime'] : nowIso,
        lastTransitionTime: p && p['status'] === status ? p['lastTransitionTime'] : nowIso,
        reason,
        message,
      };
    };
    const complete = !!newRS && updated === replicas && sum('replicas') === replicas && available === replicas && replicasOf(newRS) === replicas;
    const rsName = newRS?.metadata.name ?? '';
    const status: Obj = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum('replicas'),
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
    };
    const unavailable = Math.max(0, specTotal - available);
    if (unavailable > 0) status['unavailableReplicas'] = unavailable;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    status['conditions'] = [
      available >= replicas - maxUnavailable
        ? cond('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      complete
        ? cond('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
        : cond('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
    ];
    if (prev['collisionCount'] !== undefined) status['collisionCount'] = prev['collisionCount'];
    if (stableJson(prev) === stableJson(status)) return;
    this.store.mutate('apps/deployments', d.metadata.namespace, d.metadata.name, (o) => {
      o['status'] = status;
    });
  }
}
