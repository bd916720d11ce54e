/**
 * The sandbox's controller manager: namespaces, Deployments, ReplicaSets, Services (IPs,
 * NodePorts, LoadBalancer status) and Endpoints/EndpointSlices, sharing one Event recorder.
 * `bootstrap()` writes what a fresh cluster has before anything else is loaded.
 * Garbage collection by ownerReferences is the API server's (api/gc.ts), which it runs itself.
 */
import type { Store } from '../api/store';
import { DeploymentController } from './deployment';
import { EndpointsController } from './endpoints';
import { StoreEventRecorder, type EventRecorder } from './events';
import { NamespaceController } from './namespace';
import { ReplicaSetController } from './replicaset';
import { kubernetesServiceObjects, ServiceController } from './service';

export interface ControllerOptions {
  store: Store;
  /** CA certificate for each namespace's `kube-root-ca.crt` ConfigMap. */
  caPem?: string;
  /** Maximum number of Events kept (default 1 000). */
  maxEvents?: number;
  now?: () => Date;
}

export interface ControllerManager {
  readonly events: EventRecorder & { flush(): void };
  /**
   * Initial namespaces, their ServiceAccounts, and (with the API server's port) the `kubernetes`
   * Service and its Endpoints. Synchronous.
   */
  bootstrap(opts?: { apiPort?: number }): void;
  start(): void;
  close(): void;
}

export function createControllers(opts: ControllerOptions): ControllerManager {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const events = new StoreEventRecorder(store, { maxEvents: opts.maxEvents, now });
  const namespaces = new NamespaceController(store, { caPem: opts.caPem });
  const parts = [
    namespaces,
    new DeploymentController(store, events, now),
    new ReplicaSetController(store, events, now),
    new ServiceController(store, events),
    new EndpointsController(store, events),
  ];
  return {
    events,
    bootstrap(b = {}) {
      namespaces.bootstrap();
      if (b.apiPort !== undefined) {
        for (const { resource, object } of kubernetesServiceObjects(b.apiPort)) {
          if (!store.get(resource, object.metadata.namespace, object.metadata.name)) store.create(resource, object);
        }
      }
    },
    start() {
      for (const p of parts) p.start();
    },
    close() {
      for (const p of parts) p.close();
      events.close();
    },
  };
}
