/**
 * gatescope's own analysis codes (`GSC####`), for problems istioctl analyze does not report.
 * Same shape as Istio's messages.yaml entries, plus the page that explains the topic.
 */
import type { MessageType } from './message-types';

type GatescopeMessageType = MessageType & { docs: string };

export const gatescopeMessageTypes = {
  GSC0001: {
    code: 'GSC0001',
    name: 'RouteWeightsNotHundred',
    level: 'Warning',
    description: 'The weights of a route\'s destinations do not add up to 100; Envoy splits traffic in proportion to them.',
    template: 'The destination weights of route %s add up to %d, not 100: traffic is split %s.',
    args: [
      { name: 'route', type: 'string' },
      { name: 'total', type: 'int' },
      { name: 'split', type: 'string' },
    ],
    docs: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination',
  },
  GSC0002: {
    code: 'GSC0002',
    name: 'RouteWeightsAllZero',
    level: 'Error',
    description: 'A route with several destinations gives all of them weight 0; istiod rejects it.',
    template: 'Route %s has %d destinations and a total weight of 0: istiod rejects this (total destination weight = 0).',
    args: [
      { name: 'route', type: 'string' },
      { name: 'destinations', type: 'int' },
    ],
    docs: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination',
  },
  GSC0003: {
    code: 'GSC0003',
    name: 'InvalidRegex',
    level: 'Error',
    description: 'A regex match is not a valid RE2 expression; Envoy (and istiod) reject it.',
    template: 'Invalid RE2 regular expression %q: %s',
    args: [
      { name: 'regex', type: 'string' },
      { name: 'error', type: 'string' },
    ],
    docs: 'https://github.com/google/re2/wiki/Syntax',
  },
  GSC0004: {
    code: 'GSC0004',
    name: 'IngressCompetesWithGateway',
    level: 'Warning',
    description: 'A Kubernetes Ingress serves a host that an Istio Gateway also exposes.',
    template: 'Ingress host %q is also exposed by Gateway %s: %s',
    args: [
      { name: 'host', type: 'string' },
      { name: 'gateway', type: 'string' },
      { name: 'consequence', type: 'string' },
    ],
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/ingress/kubernetes-ingress/',
  },
  GSC0005: {
    code: 'GSC0005',
    name: 'CertificateExpiresSoon',
    level: 'Warning',
    description: 'A certificate served by a gateway expires soon.',
    template: 'The certificate in Secret %s (key %s) expires on %s, in %d days.',
    args: [
      { name: 'secret', type: 'string' },
      { name: 'key', type: 'string' },
      { name: 'notAfter', type: 'string' },
      { name: 'days', type: 'int' },
    ],
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/',
  },
  GSC0006: {
    code: 'GSC0006',
    name: 'CertificateSecretMissing',
    level: 'Error',
    description: 'A gateway server refers to a certificate Secret that does not exist where the gateway reads it.',
    template: 'Secret %s, which holds the certificate for %s, does not exist: %s',
    args: [
      { name: 'secret', type: 'string' },
      { name: 'use', type: 'string' },
      { name: 'consequence', type: 'string' },
    ],
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/',
  },
  GSC0007: {
    code: 'GSC0007',
    name: 'TLSDisabledAgainstStrictMTLS',
    level: 'Error',
    description: 'A DestinationRule turns TLS off towards workloads whose PeerAuthentication requires mutual TLS.',
    template: 'DestinationRule sets TLS mode DISABLE for host %s, but PeerAuthentication %s requires mutual TLS (STRICT): requests will be rejected.',
    args: [
      { name: 'host', type: 'string' },
      { name: 'peerAuthentication', type: 'string' },
    ],
    docs: 'https://istio.io/latest/docs/concepts/security/#peer-authentication',
  },
  GSC0008: {
    code: 'GSC0008',
    name: 'ExportToNamespaceNotFound',
    level: 'Error',
    description: 'exportTo names a namespace that does not exist.',
    template: 'exportTo names namespace %q, which does not exist.',
    args: [{ name: 'namespace', type: 'string' }],
    docs: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to',
  },
} as const satisfies Record<string, GatescopeMessageType>;

export type GatescopeCode = keyof typeof gatescopeMessageTypes;
