/**
 * Kubernetes object names as the API server accepts them (apimachinery's
 * `IsDNS1123Label` / `IsDNS1123Subdomain`). The console checks every name that comes from a
 * browser before it builds an API path with it (`/api/v1/namespaces/{ns}/pods/{name}/…`): a
 * name that passes contains no `/`, `%`, `:`, `..`, upper case, spaces or control characters, so
 * it can be put into a URL path as is and cannot change the path's meaning (reliability notes
 * §1.4, test 10).
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

/** A namespace, a Service name: lower case alphanumerics and '-', at most 63 characters. */
export function isDns1123Label(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= DNS1123_LABEL_MAX && LABEL.test(s);
}

/** A pod, Deployment or ConfigMap name: DNS-1123 labels joined by '.', at most 253 characters. */
export function isDns1123Subdomain(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= DNS1123_SUBDOMAIN_MAX && SUBDOMAIN.test(s);
}

/** Shows a rejected name safely in a message (control characters escaped, long names cut). */
export function quoteName(s: unknown): string {
  if (typeof s !== 'string') return String(s);
  const cut = s.length > 80 ? `${s.slice(0, 80)}… (${s.length} characters)` : s;
  return JSON.stringify(cut);
}

/**
 * Checks a namespace and a pod name; returns the reason in words when either is not a valid
 * Kubernetes name, undefined when both are.
 */
export function podRefError(namespace: unknown, pod: unknown): string | undefined {
  if (!isDns1123Label(namespace)) {
    return `invalid namespace ${quoteName(namespace)}: a namespace is a DNS-1123 label (lower case letters, digits and '-', starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters)`;
  }
  if (!isDns1123Subdomain(pod)) {
    return `invalid pod name ${quoteName(pod)}: a pod name is a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most ${DNS1123_SUBDOMAIN_MAX} characters)`;
  }
  return undefined;
}
