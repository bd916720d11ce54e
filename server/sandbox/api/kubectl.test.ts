import { execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness';
import { call } from './test-support/http';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`SKIPPED kubectl tests: ${KUBECTL} not found (set KUBECTL to a kubectl binary to run them)`);

let h: Harness;

/** The test's environment with HOME in the temp dir (kubectl's caches and config stay there). */
const kubectlEnv = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: h.dir, KUBECONFIG: h.kubeconfigPath });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], opts: { kubeconfig?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--kubeconfig', opts.kubeconfig ?? h.kubeconfigPath, '--cache-dir', join(h.dir, 'cache'), ...args],
      { timeout: 30_000, env: kubectlEnv(), encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

const vsYaml = (weights: [number, number], extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: default
spec:
  hosts: ["web.example.com"]
  gateways: ["istio-system/default-gateway"]
  http:
  - route:
    - destination: {host: web, subset: v1}
      weight: ${weights[0]}
    - destination: {host: web, subset: v2}
      weight: ${weights[1]}
${extra}`;

describe.skipIf(!hasKubectl)('real kubectl against the sandbox API', () => {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('get ns,pods,svc,deploy -A', async () => {
    const r = await kubectl(['get', 'ns,pods,svc,deploy', '-A']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/namespace\/istio-system\s+Active/);
    expect(r.stdout).toMatch(/default\s+pod\/httpbin-5c7d9f-abcde\s+1\/1\s+Running\s+0/);
    expect(r.stdout).toMatch(/default\s+service\/httpbin\s+ClusterIP\s+10\.96\.0\.20\s+<none>\s+8000\/TCP/);
    expect(r.stdout).toMatch(/default\s+deployment\.apps\/httpbin\s+1\/1\s+1\s+1/);
  });

  it('get gw,vs,dr -A -o wide', async () => {
    const r = await kubectl(['get', 'gw,vs,dr', '-A', '-o', 'wide']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NAMESPACE\s+NAME\s+GATEWAYS\s+HOSTS\s+AGE/);
    expect(r.stdout).toMatch(/virtualservice\.networking\.istio\.io\/httpbin\s+\["istio-system\/default-gateway"\]\s+\["httpbin\.example\.com"\]\s+\d+s/);
    expect(r.stdout).toMatch(/destinationrule\.networking\.istio\.io\/httpbin\s+httpbin\s+\d+s/);
    expect(r.stdout).toMatch(/istio-system\s+gateway\.networking\.istio\.io\/default-gateway\s+\d+s/);
  });

  it('apply -f creates then changes a VirtualService, client-side then --server-side', async () => {
    const file = join(h.dir, 'vs.yaml');
    writeFileSync(file, vsYaml([90, 10]));
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('virtualservice.networking.istio.io/web created');
    writeFileSync(file, vsYaml([80, 20]));
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('virtualservice.networking.istio.io/web configured');
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('virtualservice.networking.istio.io/web unchanged');
    const ssa = await kubectl(['apply', '--server-side', '-f', file]);
    expect(ssa.stderr).toBe('');
    expect(ssa.stdout.trim()).toBe('virtualservice.networking.istio.io/web serverside-applied');
    writeFileSync(file, vsYaml([70, 30]));
    expect((await kubectl(['apply', '--server-side', '-f', file])).stdout.trim()).toBe('virtualservice.networking.istio.io/web serverside-applied');
    const stored = h.store.get('networking.istio.io/virtualservices', 'default', 'web')! as any;
    expect(stored.spec.http[0].route.map((r: any) => r.weight)).toEqual([70, 30]);
    expect(stored.metadata.managedFields.map((m: any) => m.manager)).toContain('kubectl');
  });

  it('apply of an unknown field or a wrong type fails naming the field', async () => {
    const unknown = await kubectl(['apply', '-f', '-'], { input: vsYaml([50, 50]).replace('  hosts:', '  foo: bar\n  hosts:').replace('name: web', 'name: bad1') });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    const wrongType = await kubectl(['apply', '-f', '-'], { input: vsYaml([50, 50]).replace('hosts: ["web.example.com"]', 'hosts: "web.example.com"').replace('name: web', 'name: bad2') });
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toContain('spec.hosts: Invalid value: "string": spec.hosts in body must be of type array');
    const ssaUnknown = await kubectl(['apply', '--server-side', '-f', '-'], { input: vsYaml([50, 50]).replace('  hosts:', '  foo: bar\n  hosts:').replace('name: web', 'name: bad3') });
    expect(ssaUnknown.stderr).toContain('.spec.foo: field not declared in schema');
    expect(h.store.get('networking.istio.io/virtualservices', 'default', 'bad1')).toBeUndefined();
  });

  it('get vs -w prints a change made by another client', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', h.kubeconfigPath, '--cache-dir', join(h.dir, 'cache'), 'get', 'vs', '-w'], { env: kubectlEnv() });
    let out = '';
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${re} in: ${out}`)), 15_000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(t);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', (d) => {
          out += String(d);
          check();
        });
        check();
      });
    try {
      await waitFor(/httpbin\s+\["istio-system\/default-gateway"\]/);
      const patched = await call(h, 'PATCH', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/httpbin', {
        body: { spec: { hosts: ['watched.example.com'] } },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      expect(patched.status).toBe(200);
      await waitFor(/httpbin\s+\["istio-system\/default-gateway"\]\s+\["watched\.example\.com"\]/);
    } finally {
      child.kill();
    }
  });

  it('patch --type=merge and --type=json; the default strategic patch on a CR is refused with 415', async () => {
    const merge = await kubectl(['patch', 'vs', 'web', '--type=merge', '-p', '{"spec":{"hosts":["merged.example.com"]}}']);
    expect(merge.stdout.trim()).toBe('virtualservice.networking.istio.io/web patched');
    const json = await kubectl(['patch', 'vs', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/hosts/0","value":"json.example.com"}]']);
    expect(json.stdout.trim()).toBe('virtualservice.networking.istio.io/web patched');
    expect((h.store.get('networking.istio.io/virtualservices', 'default', 'web') as any).spec.hosts).toEqual(['json.example.com']);
    const strategic = await kubectl(['patch', 'vs', 'web', '-p', '{"spec":{"hosts":["x"]}}']);
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  it('diff shows the pending change and exits 1', async () => {
    const file = join(h.dir, 'vs-diff.yaml');
    writeFileSync(file, vsYaml([60, 40]));
    const r = await kubectl(['diff', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-\s+weight: 70$/m);
    expect(r.stdout).toMatch(/^\+\s+weight: 60$/m);
    expect((h.store.get('networking.istio.io/virtualservices', 'default', 'web') as any).spec.http[0].route[0].weight).toBe(70);
  });

  it('scale deploy/httpbin --replicas=3', async () => {
    const r = await kubectl(['scale', 'deploy/httpbin', '--replicas=3']);
    expect(r.stdout.trim()).toBe('deployment.apps/httpbin scaled');
    expect((h.store.get('apps/deployments', 'default', 'httpbin') as any).spec.replicas).toBe(3);
  });

  it('auth can-i answers for the admin and a read-only user', async () => {
    expect((await kubectl(['auth', 'can-i', 'update', 'virtualservices.networking.istio.io'])).stdout.trim()).toBe('yes');
    const ro = await kubectl(['auth', 'can-i', 'update', 'virtualservices.networking.istio.io'], { kubeconfig: h.readonlyKubeconfigPath });
    expect(ro.stdout.trim()).toBe('no');
    expect(ro.code).toBe(1);
    expect((await kubectl(['auth', 'can-i', 'watch', 'pods', '-A'], { kubeconfig: h.readonlyKubeconfigPath })).stdout.trim()).toBe('yes');
    const denied = await kubectl(['delete', 'vs', 'web'], { kubeconfig: h.readonlyKubeconfigPath });
    expect(denied.stderr).toContain('Error from server (Forbidden): virtualservices.networking.istio.io "web" is forbidden: User "viewer" cannot delete resource "virtualservices" in API group "networking.istio.io" in the namespace "default"');
  });

  it('explain virtualservice.spec.http', async () => {
    const r = await kubectl(['explain', 'virtualservice.spec.http']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/GROUP:\s+networking\.istio\.io/);
    expect(r.stdout).toMatch(/KIND:\s+VirtualService/);
    expect(r.stdout).toMatch(/FIELD: http <\[\]Object>/);
    expect(r.stdout).toMatch(/^\s+route\s+<\[\]Object>/m);
  });

  it('imperative create commands, whose typed clients send protobuf bodies', async () => {
    expect((await kubectl(['create', 'deployment', 'web', '--image=httpd:2.4', '--replicas=2', '--port=8080'])).stdout.trim()).toBe('deployment.apps/web created');
    const dep = h.store.get('apps/deployments', 'default', 'web') as any;
    expect(dep.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'web' } } });
    expect(dep.spec.template.spec.containers[0]).toMatchObject({ name: 'httpd', image: 'httpd:2.4', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect((await kubectl(['create', 'configmap', 'c1', '--from-literal=a=b'])).stdout.trim()).toBe('configmap/c1 created');
    expect((await kubectl(['create', 'secret', 'generic', 's1', '--from-literal=a=b'])).stdout.trim()).toBe('secret/s1 created');
    expect((h.store.get('core/secrets', 'default', 's1') as any).data).toEqual({ a: 'Yg==' });
    expect((await kubectl(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'])).stdout.trim()).toBe('service/np created');
  });

  it('delete', async () => {
    const r = await kubectl(['delete', 'vs', 'web']);
    expect(r.stdout.trim()).toBe('virtualservice.networking.istio.io "web" deleted');
    expect(h.store.get('networking.istio.io/virtualservices', 'default', 'web')).toBeUndefined();
    const ns = await kubectl(['create', 'namespace', 'doomed']);
    expect(ns.stdout.trim()).toBe('namespace/doomed created');
    expect((await kubectl(['delete', 'namespace', 'doomed'])).stdout.trim()).toBe('namespace "doomed" deleted');
    expect(h.store.get('core/namespaces', undefined, 'doomed')).toBeUndefined();
  });
});
