/**
 * Request paths → what they address: discovery and OpenAPI documents, or a resource request
 * (`/api/v1/namespaces/{ns}/pods/{name}/log`, `/apis/{group}/{version}/…`), and the Kubernetes
 * verb of a resource request.
 */

export type Route =
  | { type: 'health' }
  | { type: 'version' }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'openapiIndex' }
  | { type: 'openapiDoc'; key: string }
  | { type: 'openapiV2' }
  | { type: 'resource'; r: ResourceRoute }
  | { type: 'unknown' };

export interface ResourceRoute {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Raw (still percent-encoded) remainder after the subresource, starting with '/', for proxy. */
  subpath: string;
  /** The deprecated `/watch/` path prefix was used. */
  watchPrefix: boolean;
}

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

export function route(pathname: string): Route {
  const raw = pathname.split('/').slice(1);
  if (raw.length && raw[raw.length - 1] === '' && raw.length > 1 && !pathname.includes('/proxy')) raw.pop();
  const seg = raw.map(decode);
  const [a, b, c] = seg;
  if (a === 'healthz' || a === 'livez' || a === 'readyz') return { type: 'health' };
  if (a === 'version' && seg.length === 1) return { type: 'version' };
  if (a === 'openapi') {
    if (b === 'v2' && seg.length === 2) return { type: 'openapiV2' };
    if (b === 'v3' && seg.length === 2) return { type: 'openapiIndex' };
    if (b === 'v3') return { type: 'openapiDoc', key: seg.slice(2).join('/') };
    return { type: 'unknown' };
  }
  if (a === 'api') {
    if (seg.length === 1 || (seg.length === 2 && b === '')) return { type: 'api' };
    if (seg.length === 2) return { type: 'groupVersion', group: '', version: b! };
    return resourceRoute('', b!, raw.slice(2), seg.slice(2));
  }
  if (a === 'apis') {
    if (seg.length === 1 || (seg.length === 2 && b === '')) return { type: 'apis' };
    if (seg.length === 2) return { type: 'group', group: b! };
    if (seg.length === 3) return { type: 'groupVersion', group: b!, version: c! };
    return resourceRoute(b!, c!, raw.slice(3), seg.slice(3));
  }
  return { type: 'unknown' };
}

function resourceRoute(group: string, version: string, rawRest: string[], rest: string[]): Route {
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
    rawRest = rawRest.slice(1);
  }
  let namespace: string | undefined;
  let i = 0;
  const nsSub = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !nsSub) {
    namespace = rest[1];
    i = 2;
  }
  const plural = rest[i];
  if (!plural) return { type: 'unknown' };
  const name = rest[i + 1];
  const subresource = rest[i + 2];
  const subpath = '/' + rawRest.slice(i + 3).join('/');
  if (name === '' || (namespace !== undefined && namespace === '')) return { type: 'unknown' };
  return { type: 'resource', r: { group, version, plural, namespace, name, subresource: subresource || undefined, subpath, watchPrefix } };
}

/** The Kubernetes verb of a resource request. */
export function verbOf(method: string, r: ResourceRoute, query: URLSearchParams): string {
  const watch = r.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (r.name && !r.subresource && watch) return 'watch';
      if (r.name) return 'get';
      return watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}
