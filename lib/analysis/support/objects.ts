/**
 * Small accessors over raw Kubernetes/Istio objects, with Istio's analyzer conventions
 * (`resource.FullName`: `namespace/name`, or `name` when there is no namespace).
 *
 * NOTE(unify): `lib/istio/types.ts` (typed Istio objects) is being written in parallel; once it
 * lands these untyped accessors can be replaced by its types.
 */
import type { KubeObject } from '../types';

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = <T = unknown>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const obj = (v: unknown): Json => (isObj(v) ? v : {});
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export const nsOf = (o: KubeObject): string => o.metadata.namespace ?? '';
export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
export const specOf = (o: KubeObject): Json => obj(o.spec);

/** `namespace/name`, or `name` without a namespace (Istio's `resource.FullName.String()`). */
export function fullName(o: KubeObject | { namespace: string; name: string }): string {
  const ns = 'metadata' in o ? nsOf(o) : o.namespace;
  const name = 'metadata' in o ? o.metadata.name : o.name;
  return ns ? `${ns}/${name}` : name;
}

/**
 * The kind under which analyzers look an object up. Istio's Gateway (networking.istio.io) is
 * `Gateway`; the Kubernetes Gateway API's is `KubernetesGateway` (Istio's gvk name).
 */
export function kindKey(o: KubeObject): string {
  const group = o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (o.kind === 'Gateway' && group === 'gateway.networking.k8s.io') return 'KubernetesGateway';
  return o.kind;
}

/** `Kind namespace/name` (or `Kind name`): istioctl's origin of a message. */
export function originOf(o: KubeObject): string {
  return `${o.kind} ${fullName(o)}`;
}

/** `resource.NewShortOrFullName`: `ns/name` as given, else the default namespace. */
export function shortOrFullName(defaultNs: string, name: string): { namespace: string; name: string } {
  const i = name.indexOf('/');
  return i >= 0 ? { namespace: name.slice(0, i), name: name.slice(i + 1) } : { namespace: defaultNs, name };
}
