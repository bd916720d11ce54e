/** The runtime's Envoy admin client, for route handlers. */
import { getAuth, kubeConfigOf } from '../auth/request';
import { getRuntime } from '../runtime';
import { adminRequest, EnvoyAdmin } from './admin';
import type { AdminClient } from './admin-route';

/**
 * With --auth, each call port-forwards as the request's user (their token, or impersonated), so
 * `pods/portforward` RBAC decides; without it, the shared client acting with the kubeconfig.
 */
export function getEnvoyAdmin(req?: Request): AdminClient {
  const rt = getRuntime();
  if (req && getAuth()) {
    const kc = kubeConfigOf(req);
    return { request: (r, signal) => adminRequest(kc, r, { signal }) };
  }
  const svc = rt.services.envoy;
  if (svc instanceof EnvoyAdmin || (svc && typeof (svc as AdminClient).request === 'function')) return svc as AdminClient;
  // Started without the service (tests, older runtimes): one port-forward per request.
  return { request: (r, signal) => adminRequest(rt.kubeConfig, r, { signal }) };
}
