/**
 * The destinations of a VirtualService with their field paths (`virtualservice/util.go`).
 */
import type { KubeObject } from '../types';
import { arr, isObj, obj, specOf, type Json } from './objects';

export interface AnnotatedDestination {
  /** `http`, `tcp`, `tls`, `http.mirror`, `http.mirrors` */
  routeRule: string;
  serviceIndex: number;
  destinationIndex: number;
  destination: Json;
  /** `spec.http[0].route[1].destination` */
  path: string;
}

export function routeDestinations(vs: KubeObject): AnnotatedDestination[] {
  const s = specOf(vs);
  const out: AnnotatedDestination[] = [];
  for (const kind of ['tcp', 'tls', 'http'] as const) {
    arr(s[kind]).forEach((r, i) =>
      arr(obj(r).route).forEach((rd, j) =>
        out.push({ routeRule: kind, serviceIndex: i, destinationIndex: j, destination: obj(obj(rd).destination), path: `spec.${kind}[${i}].route[${j}].destination` }),
      ),
    );
  }
  return out;
}

export function httpMirrorDestinations(vs: KubeObject): AnnotatedDestination[] {
  const out: AnnotatedDestination[] = [];
  arr(specOf(vs).http).forEach((r, i) => {
    const h = obj(r);
    if (isObj(h.mirror)) out.push({ routeRule: 'http.mirror', serviceIndex: i, destinationIndex: 0, destination: h.mirror, path: `spec.http[${i}].mirror` });
    arr(h.mirrors).forEach((m, j) =>
      out.push({ routeRule: 'http.mirrors', serviceIndex: i, destinationIndex: j, destination: obj(obj(m).destination), path: `spec.http[${i}].mirrors[${j}].destination` }),
    );
  });
  return out;
}
