/**
 * A sandbox with the users the identity tests need, and a console runtime (cache + front door)
 * wired to it the way server/main.ts wires it, without Next: route handlers are called directly.
 *
 * Users (bearer tokens):
 * - `console`: the console's service account: reads everything and may impersonate (header mode);
 * - `viewer`: get/list/watch VirtualServices only (the acceptance test's user);
 * - `dev`: everything in namespace `default` only.
 */
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterCache } from '../../kube/cache';
import { createFrontDoor, type FrontDoor, type FrontDoorOptions } from '../../http/front-door';
import { setRuntime, type Runtime } from '../../runtime';
import { kubeconfigFor, startSandbox, type RunningSandbox } from '../../sandbox/start';

export const TOKENS = {
  console: 'console-sa-token-0123456789abcdef',
  viewer: 'viewer-token-0123456789abcdef',
  dev: 'dev-token-0123456789abcdef',
};

const READ = ['get', 'list', 'watch'];

export async function startAuthSandbox(): Promise<RunningSandbox> {
  return startSandbox({
    apiPort: 0,
    traffic: 0,
    dataPlane: false,
    users: {
      [TOKENS.console]: {
        user: 'system:serviceaccount:gatescope:gatescope',
        groups: ['system:serviceaccounts', 'system:authenticated'],
        rules: [
          { verbs: READ, apiGroups: ['*'], resources: ['*'] },
          { verbs: ['impersonate'], apiGroups: [''], resources: ['users', 'groups'] },
        ],
      },
      [TOKENS.viewer]: { user: 'viewer', groups: ['system:authenticated'], rules: [{ verbs: READ, apiGroups: ['networking.istio.io'], resources: ['virtualservices'] }] },
      [TOKENS.dev]: { user: 'dev', groups: ['system:authenticated'], rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['default'] }] },
    },
  });
}

/** A kubeconfig file for the sandbox acting with `token` (written beside the sandbox's own); its path. */
export function kubeconfigFileWithToken(sb: RunningSandbox, token: string, name: string): string {
  const path = join(dirname(sb.kubeconfigPath), `${name}.kubeconfig`);
  writeFileSync(path, kubeconfigFor(sb.apiUrl, sb.caPem, token), { mode: 0o600 });
  return path;
}

/** The same, loaded. */
export function kubeConfigWithToken(sb: RunningSandbox, token: string, name: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigFileWithToken(sb, token, name));
  return kc;
}

export interface TestConsole {
  runtime: Runtime;
  cache: ClusterCache;
  door: FrontDoor;
  stop(): void;
}

/** Cache (synced) + front door as server/main.ts builds them, installed as the process runtime. */
export async function startTestConsole(sb: RunningSandbox, kc: KubeConfig, opts: FrontDoorOptions): Promise<TestConsole> {
  const runtime: Runtime = { mode: 'sandbox', kubeConfig: kc, context: sb.contextName, server: sb.apiUrl, startedAt: new Date(), services: {} };
  const cache = new ClusterCache(kc);
  runtime.services.cache = cache;
  cache.start();
  await cache.waitForSync(30_000);
  const door = createFrontDoor(runtime, cache, { log: () => {}, ...opts });
  setRuntime(runtime);
  return {
    runtime,
    cache,
    door,
    stop() {
      door.close();
      cache.stop();
      setRuntime(undefined);
    },
  };
}
