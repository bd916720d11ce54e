/**
 * Test support: the ingress-basics scenario as API objects, with the pods a kubelet would have
 * started for its Deployments (pod IPs on 127.0.0.0/8, Ready, owned by a ReplicaSet), and the
 * files a gateway pod would have mounted from its Secret volumes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { StoredObject } from '../../../api/store';

export const SCENARIO_DIR = join(import.meta.dirname, '..', 'compile', 'fixtures', 'ingress-basics');

export function loadScenarioObjects(dir = SCENARIO_DIR): StoredObject[] {
  const out: StoredObject[] = [];
  let t = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc.toJS() as StoredObject | null;
      if (!o || !o.kind) continue;
      o.metadata.namespace ??= 'default';
      o.metadata.creationTimestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, t++)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (o.kind === 'Secret') {
        const s = o as StoredObject & { stringData?: Record<string, string>; data?: Record<string, string> };
        s.data = { ...(s.data ?? {}) };
        for (const [k, v] of Object.entries(s.stringData ?? {})) s.data[k] = Buffer.from(v).toString('base64');
        delete s.stringData;
      }
      out.push(o);
    }
  }
  return out;
}

export interface PodPlan {
  /** Deployment name → pod IPs (one pod per IP). Deployments not listed get `replicas` pods. */
  ips: Record<string, string[]>;
}

/** Pods for the scenario's Deployments, with the given IPs, Ready. */
export function podsFor(objects: StoredObject[], plan: PodPlan): StoredObject[] {
  const pods: StoredObject[] = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const ips = plan.ips[d.metadata.name] ?? [];
    const spec = (d as unknown as { spec: { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } } }).spec;
    ips.forEach((ip, i) => {
      const rs = `${d.metadata.name}-5d9f8c7b6`;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rs}-p${i}x${ip.split('.').pop()}`,
          namespace: d.metadata.namespace,
          labels: { ...spec.template.metadata.labels },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true }],
          creationTimestamp: '2026-01-01T00:01:00Z',
        },
        spec: structuredClone(spec.template.spec),
        status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
      } as StoredObject);
    });
  }
  return pods;
}

/** Files of the gateway pod's Secret volumes (the Deployment's volumeMounts of the istio-ingressgateway-certs Secret). */
export function gatewayMountedFiles(objects: StoredObject[]): Map<string, string> {
  const files = new Map<string, string>();
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'istio-ingressgateway-certs') as
    | (StoredObject & { data?: Record<string, string> })
    | undefined;
  for (const [k, v] of Object.entries(secret?.data ?? {})) files.set(`/etc/istio/ingressgateway-certs/${k}`, Buffer.from(v, 'base64').toString('utf8'));
  return files;
}
