/**
 * What each image runs in the sandbox (the node "pulling and running" it): the ImageResolver of
 * the data plane. Images are matched by repository, whatever the registry, tag or digest:
 *
 * | image | container |
 * |---|---|
 * | `…/proxyv2` with `router` in its args (or no args on a pod labelled `istio: *gateway`) | gateway proxy (Envoy-shaped, `mesh/envoy/`) |
 * | `…/pilot` | istiod stand-in (`mesh/istiod/`) |
 * | `httpd` | Apache httpd page per `version` label |
 * | `mccutchen/go-httpbin` | httpbin (go-httpbin flavour, :8080) |
 * | `kennethreitz/httpbin`, `kong/httpbin`, any other `…/httpbin` | httpbin (Python flavour, :80) |
 * | `counter` | a per-pod request counter |
 * | `mysql`, `mariadb` | TCP echo |
 *
 * Anything else (including proxyv2 as a sidecar) runs the kubelet's generic idle container.
 */
import type { StoredObject } from '../api/store';
import type { ContainerContext, ContainerImpl, ImageResolver } from '../kubelet/container';
import { CounterImpl, HttpbinImpl, HttpdImpl, TcpEchoImpl } from './backends/index';
import { GatewayProxyImpl, type GatewayProxyOptions } from './envoy/index';
import { IstiodImpl, type IstiodOptions } from './istiod/index';

/** `docker.io/library/httpd:2.4@sha256:…` → `httpd`; `gcr.io/istio-release/proxyv2:1.26.1` → `istio-release/proxyv2`. */
export function imageRepository(image: string): string {
  let s = image.split('@')[0]!;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost')) parts.shift();
  if (parts.length > 1 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}

export interface MeshImageOptions {
  gateway?: GatewayProxyOptions;
  istiod?: IstiodOptions;
  /** Randomness of httpbin's weighted /status lists. */
  random?: () => number;
}

function isRouter(container: ContainerContext['container'], pod: StoredObject): boolean {
  const args = container.args ?? [];
  if (args.includes('router')) return true;
  if (args.includes('sidecar')) return false;
  return args.length === 0 && /gateway/.test(pod.metadata.labels?.['istio'] ?? '');
}

export function createImageResolver(opts: MeshImageOptions = {}): ImageResolver {
  const gateway = new GatewayProxyImpl(opts.gateway);
  const istiod = new IstiodImpl(opts.istiod);
  const httpd = new HttpdImpl();
  const goHttpbin = new HttpbinImpl({ flavour: 'go', random: opts.random });
  const pyHttpbin = new HttpbinImpl({ flavour: 'python', random: opts.random });
  const counter = new CounterImpl();
  const echo = new TcpEchoImpl();
  return (container, pod): ContainerImpl | undefined => {
    const repo = imageRepository(container.image);
    const last = repo.split('/').pop()!;
    if (last === 'proxyv2') return isRouter(container, pod) ? gateway : undefined;
    if (last === 'pilot') return istiod;
    if (repo === 'httpd') return httpd;
    if (repo === 'mccutchen/go-httpbin' || last === 'go-httpbin') return goHttpbin;
    if (last === 'httpbin') return pyHttpbin;
    if (last === 'counter') return counter;
    if (repo === 'mysql' || repo === 'mariadb') return echo;
    return undefined;
  };
}
