/**
 * OpenAPI v3 documents: `/openapi/v3` lists one document per group-version; each carries the
 * paths of its resources (the PATCH operations with the `fieldValidation` parameter that kubectl's
 * query-param verifier looks for) and `components.schemas` with `x-kubernetes-group-version-kind`
 * (what `kubectl explain` reads). Istio schemas come from the CRDs; built-in kinds use the compact
 * schemas in ./schemas.
 *
 * Built-in PATCH operations list JSON, merge and apply patches but not strategic merge patch: that
 * makes kubectl compute its strategic patches from its compiled-in types (exact patch metadata)
 * instead of from these compact schemas. The server accepts strategic merge patches all the same.
 */
import { createHash } from 'node:crypto';
import type { JsonSchema } from './istio-crds';
import { apiVersionOf, type Registry, type ResourceDef } from './registry';
import { objectMeta } from './schemas/meta';
import { scale } from './schemas/workloads';

type Obj = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const qp = (name: string, description: string, type = 'string'): Obj => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const P = {
  dryRun: qp('dryRun', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: qp('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.'),
  fieldValidation: qp('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.'),
  force: qp('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.', 'boolean'),
  pretty: qp('pretty', "If 'true', then the output is pretty printed."),
  labelSelector: qp('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  fieldSelector: qp('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  limit: qp('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  continue: qp('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: qp('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  watch: qp('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  allowWatchBookmarks: qp('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  timeoutSeconds: qp('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  propagationPolicy: qp('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
  gracePeriodSeconds: qp('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
};
const pathParam = (name: string, description: string): Obj => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schemaName: string) => ({ 'application/json': { schema: ref(schemaName) } });
const respond = (code: string, schemaName: string) => ({ [code]: { description: code === '201' ? 'Created' : 'OK', content: json(schemaName) } });
const gvkExt = (group: string, version: string, kind: string) => ({ group, version, kind });

function opId(verb: string, r: ResourceDef, version: string, suffix = '', namespaced = r.namespaced): string {
  const g = r.group ? r.group.split('.').map((p, i) => (i === 0 ? p : '')).join('').replace(/^./, (c) => c.toUpperCase()) : 'Core';
  const v = version.replace(/^./, (c) => c.toUpperCase());
  return `${verb}${g}${v}${namespaced ? 'Namespaced' : ''}${r.kind}${suffix}`;
}

function operationsFor(r: ResourceDef, version: string, paths: Obj): void {
  const gv = apiVersionOf(r.group, version);
  const base = r.group ? `/apis/${gv}` : `/api/${version}`;
  const nsPart = r.namespaced ? '/namespaces/{namespace}' : '';
  const name = r.openapiName(version);
  const listName = `${name}List`;
  const nsParams = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const itemParams = [pathParam('name', `name of the ${r.kind}`), ...nsParams, P.pretty];
  const tag = [r.group ? r.group.replace(/\./g, '') : 'core_' + version];
  const op = (action: string, verb: string, extra: Obj, suffix = '', target: ResourceDef['kind'] = r.kind, targetGroup = r.group, targetVersion = version): Obj => ({
    tags: tag,
    operationId: opId(verb, r, version, suffix),
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvkExt(targetGroup, targetVersion, target),
  });
  const patchBody = () => ({
    content: {
      'application/json-patch+json': { schema: ref(`${META}.Patch`) },
      'application/merge-patch+json': { schema: ref(`${META}.Patch`) },
      'application/apply-patch+yaml': { schema: ref(`${META}.Patch`) },
    },
    required: true,
  });
  const canWrite = r.verbs.includes('patch');
  const collection: Obj = { parameters: [...nsParams, P.pretty] };
  if (r.verbs.includes('list')) {
    collection['get'] = op('list', 'list', {
      description: `list or watch objects of kind ${r.kind}`,
      parameters: [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.timeoutSeconds, P.watch],
      responses: respond('200', listName),
    });
  }
  if (r.verbs.includes('create')) {
    collection['post'] = op('post', 'create', {
      description: `create a ${r.kind}`,
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
      requestBody: { content: json(name), required: true },
      responses: { ...respond('200', name), ...respond('201', name) },
    });
  }
  paths[`${base}${nsPart}/${r.plural}`] = collection;
  if (r.virtual) return;
  const item: Obj = { parameters: itemParams };
  item['get'] = op('get', 'read', { description: `read the specified ${r.kind}`, responses: respond('200', name) });
  if (canWrite) {
    item['put'] = op('put', 'replace', { description: `replace the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation], requestBody: { content: json(name), required: true }, responses: respond('200', name) });
    item['patch'] = op('patch', 'patch', { description: `partially update the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force], requestBody: patchBody(), responses: respond('200', name) });
    item['delete'] = op('delete', 'delete', { description: `delete a ${r.kind}`, parameters: [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy], responses: respond('200', `${META}.Status`) });
  }
  paths[`${base}${nsPart}/${r.plural}/{name}`] = item;
  if (r.subresources.includes('status') && canWrite) {
    paths[`${base}${nsPart}/${r.plural}/{name}/status`] = {
      parameters: itemParams,
      get: op('get', 'read', { description: `read status of the specified ${r.kind}`, responses: respond('200', name) }, 'Status'),
      put: op('put', 'replace', { description: `replace status of the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation], requestBody: { content: json(name), required: true }, responses: respond('200', name) }, 'Status'),
      patch: op('patch', 'patch', { description: `partially update status of the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force], requestBody: patchBody(), responses: respond('200', name) }, 'Status'),
    };
  }
  if (r.subresources.includes('scale')) {
    const sc = 'io.k8s.api.autoscaling.v1.Scale';
    paths[`${base}${nsPart}/${r.plural}/{name}/scale`] = {
      parameters: itemParams,
      get: op('get', 'read', { description: `read scale of the specified ${r.kind}`, responses: respond('200', sc) }, 'Scale', 'Scale', 'autoscaling', 'v1'),
      put: op('put', 'replace', { description: `replace scale of the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation], requestBody: { content: json(sc), required: true }, responses: respond('200', sc) }, 'Scale', 'Scale', 'autoscaling', 'v1'),
      patch: op('patch', 'patch', { description: `partially update scale of the specified ${r.kind}`, parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force], requestBody: patchBody(), responses: respond('200', sc) }, 'Scale', 'Scale', 'autoscaling', 'v1'),
    };
  }
  if (r.namespaced && r.verbs.includes('list')) {
    paths[`${base}/${r.plural}`] = {
      parameters: [P.pretty],
      get: op('list', 'list', { operationId: opId('list', r, version, 'ForAllNamespaces', false), description: `list or watch objects of kind ${r.kind}`, parameters: [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.timeoutSeconds, P.watch], responses: respond('200', listName) }),
    };
  }
}

/** The schema of one kind as a component: ObjectMeta inlined, GVK extension added. */
function component(r: ResourceDef, version: string): JsonSchema | undefined {
  const s = r.schema(version);
  if (!s) return undefined;
  const props = { ...(s.properties ?? {}) };
  props['apiVersion'] ??= { type: 'string' };
  props['kind'] ??= { type: 'string' };
  props['metadata'] = { ...objectMeta, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
  const out: JsonSchema = { ...s, type: 'object', properties: props };
  out['x-kubernetes-group-version-kind'] = [{ group: r.group, kind: r.kind, version }];
  return out;
}

function listComponent(r: ResourceDef, version: string, itemName: string): JsonSchema {
  return {
    type: 'object',
    description: `${r.listKind} is a list of ${r.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref(`${META}.ListMeta`) as unknown as JsonSchema,
      items: { type: 'array', items: ref(itemName) as unknown as JsonSchema, description: `List of ${r.plural}.` },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version }],
  };
}

const docCache = new WeakMap<Registry, Map<string, { body: string; hash: string }>>();

/** Key `api/v1` or `apis/{group}/{version}` → the serialized document and its hash. */
export function openapiDocs(reg: Registry): Map<string, { body: string; hash: string }> {
  let docs = docCache.get(reg);
  if (docs) return docs;
  docs = new Map();
  const gvs = new Map<string, { group: string; version: string }>();
  for (const r of reg.resources) for (const v of r.versions) gvs.set(r.group ? `apis/${r.group}/${v}` : `api/${v}`, { group: r.group, version: v });
  for (const [key, { group, version }] of gvs) {
    const paths: Obj = {};
    const schemas: Record<string, unknown> = {
      [`${META}.ObjectMeta`]: objectMeta,
      [`${META}.ListMeta`]: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' } } },
      [`${META}.Patch`]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
      [`${META}.Status`]: { type: 'object', description: 'Status is a return value for calls that don\'t return other objects.', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, code: { type: 'integer', format: 'int32' }, message: { type: 'string' }, reason: { type: 'string' }, status: { type: 'string' }, details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, metadata: ref(`${META}.ListMeta`) } },
    };
    for (const r of reg.inGroupVersion(group, version)) {
      operationsFor(r, version, paths);
      const c = component(r, version);
      if (!c) continue;
      const name = r.openapiName(version);
      schemas[name] = c;
      if (!r.virtual) schemas[`${name}List`] = listComponent(r, version, name);
      if (r.subresources.includes('scale')) schemas['io.k8s.api.autoscaling.v1.Scale'] = { ...scale, 'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }] };
    }
    const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
    const body = JSON.stringify(doc);
    docs.set(key, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
  }
  docCache.set(reg, docs);
  return docs;
}

export function openapiIndex(reg: Registry): string {
  const paths: Obj = {};
  for (const [key, d] of openapiDocs(reg)) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
  return JSON.stringify({ paths });
}
