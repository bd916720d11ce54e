/**
 * Namespaces: the ones a cluster starts with (default, kube-system, kube-public, kube-node-lease,
 * plus istio-system for the mesh), what every namespace gets (ServiceAccount `default`, ConfigMap
 * `kube-root-ca.crt` with the sandbox CA), and deletion of a namespace's content: when a
 * Namespace is Terminating (deletionTimestamp) its objects are deleted and then the Namespace
 * itself; when it was removed outright its objects are deleted all the same.
 */
import { registry } from '../api/registry';
import { type Store, type StoredObject, type Watcher } from '../api/store';
import { splitKey, WorkQueue } from './work-queue';

export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system'];

export function namespaceObject(name: string, labels: Record<string, string> = {}): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** Store keys of every namespaced, persisted resource. */
export function namespacedResources(): string[] {
  return registry()
    .resources.filter((r) => r.namespaced && !r.virtual)
    .map((r) => r.key);
}

export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly watchers: Watcher[] = [];

  constructor(
    private readonly store: Store,
    private readonly opts: { caPem?: string } = {},
  ) {
    this.queue = new WorkQueue('namespace', (k) => this.reconcile(k));
  }

  /** Creates the initial namespaces now (synchronously, before anything is loaded into them). */
  bootstrap(): void {
    for (const ns of INITIAL_NAMESPACES) {
      if (!this.store.get('core/namespaces', undefined, ns)) this.store.create('core/namespaces', namespaceObject(ns));
      this.ensureContent(ns);
    }
  }

  start(): void {
    this.watchers.push(
      this.store.subscribe('core/namespaces', (ev) => {
        this.queue.add(`${ev.type === 'DELETED' ? 'gone' : 'ns'}/${ev.object.metadata.name}`);
      }),
    );
    for (const ns of this.store.list('core/namespaces').items) this.queue.add(`ns/${ns.metadata.name}`);
  }

  close(): void {
    for (const w of this.watchers) w.stop();
    this.queue.close();
  }

  private reconcile(key: string): void {
    const [what, name] = splitKey(key) as [string, string];
    const ns = this.store.get('core/namespaces', undefined, name);
    if (what === 'gone' || !ns) {
      if (!ns) this.deleteContent(name, false);
      return;
    }
    if (ns.metadata.deletionTimestamp) {
      if ((ns['status'] as { phase?: string } | undefined)?.phase !== 'Terminating') {
        this.store.mutate('core/namespaces', undefined, name, (o) => {
          o['status'] = { ...((o['status'] ?? {}) as Record<string, unknown>), phase: 'Terminating' };
        });
      }
      const left = this.deleteContent(name, true);
      if (left > 0) {
        this.queue.addAfter(key, 200);
        return;
      }
      try {
        this.store.delete('core/namespaces', undefined, name, { uid: ns.metadata.uid });
      } catch {
        // already gone
      }
      return;
    }
    if (ns.metadata.labels?.['kubernetes.io/metadata.name'] !== name) {
      this.store.mutate('core/namespaces', undefined, name, (o) => {
        o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
      });
    }
    this.ensureContent(name);
  }

  private ensureContent(ns: string): void {
    if (!this.store.get('core/serviceaccounts', ns, 'default')) {
      this.store.create('core/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
    }
    if (this.opts.caPem && !this.store.get('core/configmaps', ns, 'kube-root-ca.crt')) {
      this.store.create('core/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: ns, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.opts.caPem },
      });
    }
  }

  /** Deletes the namespace's objects (pods gracefully); returns how many are left. */
  private deleteContent(ns: string, gracefulPods: boolean): number {
    let left = 0;
    for (const res of namespacedResources()) {
      for (const o of this.store.list(res, ns).items) {
        if (res === 'core/pods' && gracefulPods) {
          if (!o.metadata.deletionTimestamp) {
            this.store.mutate(res, ns, o.metadata.name, (p) => {
              p.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
              p.metadata['deletionGracePeriodSeconds'] = 0;
            });
          }
          left++;
          continue;
        }
        try {
          this.store.delete(res, ns, o.metadata.name);
        } catch {
          // gone meanwhile
        }
      }
    }
    return left;
  }
}
