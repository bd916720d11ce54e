/**
 * A KubeConfig that acts as another user: the console's own credentials authenticate the call and
 * `Impersonate-User` / `Impersonate-Group` name the user the API server authorizes it as (what
 * `kubectl --as alice --as-group team` sends). client-node 1.x knows `Impersonate-User` only, so
 * the headers are set here, after the base config has applied its own.
 */
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface ImpersonatedUser {
  user: string;
  groups: string[];
}

export class ImpersonatingKubeConfig extends KubeConfig {
  constructor(
    base: KubeConfig,
    readonly as: ImpersonatedUser,
  ) {
    super();
    this.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: base.currentContext });
  }

  private impersonationHeaders(headers: Record<string, unknown>): void {
    for (const k of Object.keys(headers)) if (/^impersonate-/i.test(k)) delete headers[k];
    headers['Impersonate-User'] = this.as.user;
    if (this.as.groups.length) headers['Impersonate-Group'] = [...this.as.groups];
  }

  override async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    opts.headers ??= {};
    this.impersonationHeaders(opts.headers as Record<string, unknown>);
  }
  // applyToFetchOptions (client-node's generated API clients) calls applyToHTTPSOptions: covered.
}

/** A KubeConfig for the base's cluster that authenticates with `token` and nothing else. */
export function tokenKubeConfig(base: KubeConfig, token: string): KubeConfig {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new Error('the console kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'gatescope-signed-in-user', token }],
    contexts: [{ name: base.currentContext, cluster: cluster.name, user: 'gatescope-signed-in-user' }],
    currentContext: base.currentContext,
  });
  return kc;
}
