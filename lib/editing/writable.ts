/**
 * The kinds the console writes: Istio's Gateway, VirtualService and DestinationRule, served as
 * `networking.istio.io/v1`. Everything else is read-only to gatescope, whatever the user's RBAC.
 */

export interface WritableKind {
  plural: 'gateways' | 'virtualservices' | 'destinationrules';
  group: 'networking.istio.io';
  version: 'v1';
  kind: 'Gateway' | 'VirtualService' | 'DestinationRule';
  /** `networking.istio.io/v1` */
  apiVersion: string;
}

const kind = (plural: WritableKind['plural'], k: WritableKind['kind']): WritableKind => ({
  plural,
  group: 'networking.istio.io',
  version: 'v1',
  kind: k,
  apiVersion: 'networking.istio.io/v1',
});

export const WRITABLE_KINDS: Readonly<Record<WritableKind['plural'], WritableKind>> = {
  gateways: kind('gateways', 'Gateway'),
  virtualservices: kind('virtualservices', 'VirtualService'),
  destinationrules: kind('destinationrules', 'DestinationRule'),
};

/** The writable kind of a plural, or undefined when the console does not write it. */
export function writableKind(plural: string): WritableKind | undefined {
  return Object.hasOwn(WRITABLE_KINDS, plural) ? WRITABLE_KINDS[plural as WritableKind['plural']] : undefined;
}
