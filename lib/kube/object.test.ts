import { describe, expect, it } from 'vitest';
import { apiVersionOf, groupOf, isKind, kindByPlural, KINDS, objectKey, parseObjectKey } from './object';

describe('objects and kinds', () => {
  it('keys objects as namespace/name, or name without a namespace', () => {
    expect(objectKey({ metadata: { name: 'counter', namespace: 'default' } })).toBe('default/counter');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(objectKey({ namespace: 'istio-system', name: 'default-gateway' })).toBe('istio-system/default-gateway');
    expect(parseObjectKey('istio-system/default-gateway')).toEqual({ namespace: 'istio-system', name: 'default-gateway' });
    expect(parseObjectKey('counter', 'default')).toEqual({ namespace: 'default', name: 'counter' });
  });

  it('knows where each kind the console reads lives', () => {
    expect(KINDS.VirtualService).toEqual({ kind: 'VirtualService', group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', namespaced: true });
    expect(apiVersionOf(KINDS.Deployment)).toBe('apps/v1');
    expect(apiVersionOf(KINDS.Pod)).toBe('v1');
    expect(kindByPlural('destinationrules')?.kind).toBe('DestinationRule');
    expect(kindByPlural('widgets')).toBeUndefined();
    expect(KINDS.Node.namespaced).toBe(false);
  });

  it("tells Istio's Gateway from the Gateway API's", () => {
    expect(groupOf('networking.istio.io/v1beta1')).toBe('networking.istio.io');
    expect(groupOf('v1')).toBe('');
    expect(isKind({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' }, 'Gateway')).toBe(true);
    expect(isKind({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' }, 'Gateway')).toBe(false);
    expect(isKind({ kind: 'Gateway' }, 'Gateway')).toBe(true);
    expect(isKind({ apiVersion: 'v1', kind: 'Service' }, 'Service')).toBe(true);
  });
});
