/** The runtime's Envoy admin client, for route handlers. */
import { getRuntime } from '../runtime';
import { adminRequest, EnvoyAdmin } from './admin';
import type { AdminClient } from './admin-route';

export function getEnvoyAdmin(): AdminClient {
  const rt = getRuntime();
  const svc = rt.services.envoy;
  if (svc instanceof EnvoyAdmin || (svc && typeof (svc as AdminClient).request === 'function')) return svc as AdminClient;
  // Started without the service (tests, older runtimes): one port-forward per request.
  return { request: (req, signal) => adminRequest(rt.kubeConfig, req, { signal }) };
}
