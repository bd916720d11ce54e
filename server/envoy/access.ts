/** The Envoy admin client of the request's context, for route handlers. */
import { getAuth, kubeConfigOf } from '../auth/request';
import { servicesOf } from '../context/access';
import { adminRequest, EnvoyAdmin } from './admin';
import type { AdminClient } from './admin-route';

/**
 * With --auth, each call port-forwards as the request's user (their token, or impersonated), so
 * `pods/portforward` RBAC decides; without it, the shared client of the selected context acting
 * with the kubeconfig.
 */
export function getEnvoyAdmin(req?: Request): AdminClient {
  if (req && getAuth()) {
    const kc = kubeConfigOf(req);
    return { request: (r, signal) => adminRequest(kc, r, { signal }) };
  }
  const services = servicesOf(req);
  const svc = services.envoy;
  if (svc instanceof EnvoyAdmin || (svc && typeof (svc as AdminClient).request === 'function')) return svc as AdminClient;
  // Started without the service (tests, older runtimes): one port-forward per request.
  return { request: (r, signal) => adminRequest(services.kubeConfig, r, { signal }) };
}
