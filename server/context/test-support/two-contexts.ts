/**
 * Test support: one KubeConfig holding two sandboxes as contexts `ctx-a` (current) and `ctx-b`,
 * also written beside sandbox `a`'s kubeconfig as `two.kubeconfig` (for kubectl in a failing run).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { RunningSandbox } from '../../sandbox/start';

export function twoContexts(a: RunningSandbox, b: RunningSandbox): KubeConfig {
  const kc = new KubeConfig();
  const cluster = (sb: RunningSandbox, name: string) => ({ name, server: sb.apiUrl, caData: Buffer.from(sb.caPem).toString('base64') });
  kc.loadFromOptions({
    clusters: [cluster(a, 'a'), cluster(b, 'b')],
    users: [
      { name: 'a', token: a.token },
      { name: 'b', token: b.token },
    ],
    contexts: [
      { name: 'ctx-a', cluster: 'a', user: 'a' },
      { name: 'ctx-b', cluster: 'b', user: 'b' },
    ],
    currentContext: 'ctx-a',
  });
  writeFileSync(join(dirname(a.kubeconfigPath), 'two.kubeconfig'), kc.exportConfig(), { mode: 0o600 });
  return kc;
}
