/**
 * Test support: an API server on 127.0.0.1:0 with a fresh CA, a bearer token and a kubeconfig in
 * a temporary directory; plus a small seed of objects (namespaces, a Service, a Deployment, a
 * Pod, one Gateway/VirtualService/DestinationRule).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { bearerTokens, createApiServer } from '../server';
import { Store } from '../store';
import { generateCa, issueServerCert } from '../tls';
import type { AuthenticatedUser, SandboxApiServer, SubresourceHooks } from '../types';

export interface Harness {
  server: SandboxApiServer;
  store: Store;
  url: string;
  token: string;
  /** Token of the read-only user `viewer` (get/list/watch everything). */
  readonlyToken: string;
  caPem: string;
  dir: string;
  kubeconfigPath: string;
  /** kubeconfig of a user limited by `readOnlyRules` (token `readonlyToken`). */
  readonlyKubeconfigPath: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  bookmarkIntervalMs?: number;
  subresources?: SubresourceHooks;
  historySize?: number;
  seed?: boolean;
}

export function kubeconfigYaml(url: string, caPem: string, token: string, user = 'sandbox-admin'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: sandbox',
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: sandbox',
    '  context:',
    '    cluster: sandbox',
    `    user: ${user}`,
    '    namespace: default',
    'current-context: sandbox',
    '',
  ].join('\n');
}

export const readOnlyUser: AuthenticatedUser = {
  user: 'viewer',
  groups: ['system:authenticated'],
  rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }],
};

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const ca = await generateCa();
  const cert = await issueServerCert(ca, ['127.0.0.1', 'localhost']);
  const token = randomBytes(24).toString('hex');
  const readonlyToken = randomBytes(24).toString('hex');
  const store = new Store({ historySize: opts.historySize });
  if (opts.seed !== false) seed(store);
  const server = createApiServer({
    store,
    tls: { key: cert.keyPem, cert: cert.certPem },
    authenticate: bearerTokens({
      [token]: { user: 'sandbox-admin', groups: ['system:masters', 'system:authenticated'] },
      [readonlyToken]: readOnlyUser,
    }),
    subresources: opts.subresources,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'gatescope-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml(url, ca.certPem, token));
  const readonlyKubeconfigPath = join(dir, 'kubeconfig-readonly');
  writeFileSync(readonlyKubeconfigPath, kubeconfigYaml(url, ca.certPem, readonlyToken, 'viewer'));
  return {
    server,
    store,
    url,
    token,
    readonlyToken,
    caPem: ca.certPem,
    dir,
    kubeconfigPath,
    readonlyKubeconfigPath,
    async close() {
      await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A few objects for kubectl and client-node tests. */
export function seed(store: Store): void {
  for (const ns of ['default', 'istio-system', 'kube-system']) {
    store.create('core/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  store.create('core/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'httpbin', namespace: 'default', labels: { app: 'httpbin' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', selector: { app: 'httpbin' }, ports: [{ name: 'http', port: 8000, targetPort: 80, protocol: 'TCP' }] },
    status: { loadBalancer: {} },
  });
  store.create('apps/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'httpbin', namespace: 'default', labels: { app: 'httpbin' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'httpbin' } },
      template: { metadata: { labels: { app: 'httpbin' } }, spec: { containers: [{ name: 'httpbin', image: 'docker.io/kennethreitz/httpbin', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
    },
    status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 },
  });
  store.create('core/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'httpbin-5c7d9f-abcde', namespace: 'default', labels: { app: 'httpbin' } },
    spec: { nodeName: 'sandbox-node', containers: [{ name: 'httpbin', image: 'docker.io/kennethreitz/httpbin' }] },
    status: {
      phase: 'Running',
      podIP: '10.244.0.12',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'httpbin', ready: true, restartCount: 0, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }],
    },
  });
  store.create('networking.istio.io/gateways', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'default-gateway', namespace: 'istio-system' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { name: 'http', number: 80, protocol: 'HTTP' } }] },
  });
  store.create('networking.istio.io/virtualservices', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'httpbin', namespace: 'default' },
    spec: { hosts: ['httpbin.example.com'], gateways: ['istio-system/default-gateway'], http: [{ route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] }] },
  });
  store.create('networking.istio.io/destinationrules', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'httpbin', namespace: 'default' },
    spec: { host: 'httpbin', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
  });
}
