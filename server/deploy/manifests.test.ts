/**
 * The in-cluster manifests under deploy/ against the sandbox with the real kubectl: the kustomize
 * base and the header-auth overlay pass `kubectl apply --dry-run=server -k`; the read role grants
 * exactly what the console watches and no write verb; the workload runs non-root on a read-only
 * root filesystem; and docs/deploy.md's steps are followed as far as the sandbox allows (secret,
 * apply, rollout).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { WATCHED_KINDS } from '../kube/cache';
import { hasKubectl, kubectl, until } from '../sandbox/test-support/kubectl';
import { startSandbox, type RunningSandbox } from '../sandbox/start';

const ROOT = join(import.meta.dirname, '..', '..');
const BASE = join(ROOT, 'deploy', 'base');
const HEADER = join(ROOT, 'deploy', 'overlays', 'header-auth');

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  spec?: { template?: { spec?: { securityContext?: Record<string, unknown>; containers?: Array<Record<string, unknown>>; automountServiceAccountToken?: boolean } } };
  [k: string]: unknown;
}

let sb: RunningSandbox;
const k = (...args: string[]) => kubectl(sb.kubeconfigPath, args, { timeoutMs: 60_000 });

async function rendered(dir: string): Promise<Obj[]> {
  const r = await k('kustomize', dir);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj);
}

describe.skipIf(!hasKubectl)('deploy/ manifests', () => {
  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, dataPlane: false });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('the read role covers exactly what the cache watches, read verbs only, and nothing writes', async () => {
    const objs = await rendered(BASE);
    const read = objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'gatescope-read')!;
    const istio = objs.find((o) => o.kind === 'Role' && o.metadata.name === 'gatescope-istio-system')!;
    expect(istio.metadata.namespace).toBe('istio-system');
    for (const kind of WATCHED_KINDS) {
      const rules = kind.namespace === 'istio-system' ? istio.rules! : read.rules!;
      expect(rules.some((r) => r.apiGroups.includes(kind.group) && r.resources.includes(kind.plural) && ['get', 'list', 'watch'].every((v) => r.verbs.includes(v))), kind.plural).toBe(true);
    }
    const granted = new Set(read.rules!.flatMap((r) => r.resources));
    expect([...granted].sort()).toEqual(WATCHED_KINDS.filter((w) => !w.namespace).map((w) => w.plural).sort());
    for (const o of objs.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      for (const r of o.rules!) {
        expect(r.verbs.filter((v) => !['get', 'list', 'watch'].includes(v) && !(v === 'create' && r.resources.includes('pods/portforward'))), `${o.metadata.name}`).toEqual([]);
        expect(r.verbs).not.toContain('*');
        expect(r.resources).not.toContain('*');
      }
    }
  });

  it('runs as non-root on a read-only root filesystem, with the session key from a Secret', async () => {
    const dep = (await rendered(BASE)).find((o) => o.kind === 'Deployment')!;
    const pod = dep.spec!.template!.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const c = pod.containers![0]! as { securityContext: Record<string, unknown>; args: string[]; env: Array<{ name: string; valueFrom?: unknown }> };
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.args).toEqual(expect.arrayContaining(['--in-cluster', '--auth=token']));
    expect(c.env.find((e) => e.name === 'GATESCOPE_SESSION_KEY')?.valueFrom).toEqual({ secretKeyRef: { name: 'gatescope-session', key: 'session-key' } });
    expect((dep.spec as { replicas?: number }).replicas).toBeGreaterThan(1);
  });

  it('the header-auth overlay: loopback console behind the proxy sidecar, impersonation granted to the service account only', async () => {
    const objs = await rendered(HEADER);
    const pod = objs.find((o) => o.kind === 'Deployment')!.spec!.template!.spec!;
    const [console_, proxy] = [pod.containers!.find((c) => c['name'] === 'gatescope')!, pod.containers!.find((c) => c['name'] === 'oauth2-proxy')!];
    expect(console_['args']).toEqual(expect.arrayContaining(['--host=127.0.0.1', '--auth=header']));
    expect(proxy['args']).toEqual(expect.arrayContaining(['--upstream=http://127.0.0.1:3000/', '--pass-user-headers=true']));
    const binding = objs.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'gatescope-impersonate') as Obj & { subjects: Array<{ kind: string; name: string }> };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'gatescope', namespace: 'gatescope' }]);
  });

  it('both pass kubectl apply --dry-run=server, and docs/deploy.md is followed up to a rolled-out Deployment', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    expect(doc).toContain('kubectl apply -k deploy/base');
    expect(doc).toContain('kubectl -n gatescope create secret generic gatescope-session');

    // Step 1 of docs/deploy.md: the namespace (server-side dry-run of namespaced objects needs it to exist).
    expect((await k('create', 'namespace', 'gatescope')).code).toBe(0);
    for (const dir of [BASE, HEADER]) {
      const r = await k('apply', '--dry-run=server', '-k', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/deployment\.apps\/gatescope (created|configured|unchanged) \(server dry run\)/);
      expect(r.stdout).toMatch(/clusterrole\.rbac\.authorization\.k8s\.io\/gatescope-read (created|configured|unchanged) \(server dry run\)/);
    }
    expect((await k('get', 'deployments', '-n', 'gatescope', '-o', 'name')).stdout.trim()).toBe('');

    // Steps 2–3: the session key Secret, then the base for real.
    const secret = await k('-n', 'gatescope', 'create', 'secret', 'generic', 'gatescope-session', '--from-literal=session-key=0123456789abcdef0123456789abcdef0123456789');
    expect(secret.code, secret.stderr).toBe(0);
    const applied = await k('apply', '-k', BASE);
    expect(applied.code, applied.stderr).toBe(0);
    // Step 4: the rollout (the sandbox's kubelet runs the pods as generic containers).
    await until(async () => (await k('-n', 'gatescope', 'rollout', 'status', 'deployment/gatescope', '--timeout=5s')).code === 0, 'the gatescope rollout', 60_000);
    const sa = await k('-n', 'gatescope', 'get', 'pods', '-o', 'jsonpath={.items[*].spec.serviceAccountName}');
    expect(sa.stdout.split(' ').filter(Boolean)).toEqual(['gatescope', 'gatescope']);
  });
});
