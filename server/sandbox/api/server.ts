/**
 * The sandbox's Kubernetes API server: an `https.Server` (not listening; the caller listens on
 * loopback) that authenticates bearer tokens, authorizes with the user's rules, serves discovery,
 * OpenAPI v3 and the REST verbs over the store, hands pods/log, pods/proxy, services/proxy and
 * pods/portforward to the data plane's hooks, keeps an audit log, and answers every failure
 * with a Kubernetes Status.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { forbidden, isAllowed, type Attributes } from './authz';
import { handleDelete, handleDeleteCollection } from './delete';
import { apiGroup, apiVersions, groupList, resourceList, VERSION_INFO } from './discovery';
import { GarbageCollector } from './gc';
import { negotiate } from './negotiate';
import { openapiDocs, openapiIndex } from './openapi';
import { handleGet, handleList } from './read';
import { registry, type Registry, type ResourceDef } from './registry';
import { makeScope, writeJson, writeStatus, type Scope, type ServerConfig } from './request';
import { route, verbOf, type ResourceRoute } from './router';
import { ApiError, errors, toApiError } from './status';
import type { Store } from './store';
import type { ApiServerOptions, AuditEntry, AuthenticatedUser, SandboxApiServer, SubresourceContext } from './types';
import { handleWatch } from './watch';
import { handleCreate, handleGetScale, handlePatch, handleUpdate } from './write';

export { bearerTokens } from './authz';
export { generateCa, issueServerCert } from './tls';

const MiB = 1024 * 1024;

/** Puts the Istio CRDs into the store (idempotent), so `kubectl get crd` lists them. */
export function seedCrds(store: Store, reg: Registry = registry()): void {
  for (const r of reg.resources) {
    if (!r.crd || store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, r.crd.metadata.name)) continue;
    const crd = structuredClone(r.crd) as unknown as Parameters<Store['create']>[1];
    const names = r.crd.spec.names;
    (crd as Record<string, unknown>)['status'] = {
      acceptedNames: { kind: names.kind, listKind: names.listKind, plural: names.plural, singular: names.singular, shortNames: names.shortNames ?? [], categories: names.categories ?? [] },
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
      ],
      storedVersions: [r.storageVersion],
    };
    store.create('apiextensions.k8s.io/customresourcedefinitions', crd);
  }
}

/** Path of the outage fault switch (see ../faults.md). */
export const OUTAGE_PATH = '/sandbox/v1/outage';

export function createApiServer(options: ApiServerOptions): SandboxApiServer {
  const reg = registry();
  const cfg: ServerConfig = {
    store: options.store,
    reg,
    maxBodyBytes: options.maxBodyBytes ?? 3 * MiB,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    defaultWatchTimeoutSeconds: options.defaultWatchTimeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800),
    now: options.now ?? (() => new Date()),
    watches: new Set(),
  };
  const openWatches = cfg.watches;
  seedCrds(options.store, reg);
  const gc = new GarbageCollector(options.store, reg);
  const hooks = options.subresources ?? {};
  const auditLog: AuditEntry[] = [];
  const auditMax = options.auditLogSize ?? 5000;
  const upgraded = new Set<Duplex>();

  const audit = (req: IncomingMessage): AuditEntry => {
    const e: AuditEntry = { time: cfg.now().toISOString(), method: req.method ?? 'GET', path: req.url ?? '/', code: 0, userAgent: req.headers['user-agent'] };
    auditLog.push(e);
    if (auditLog.length > auditMax) auditLog.splice(0, auditLog.length - auditMax);
    return e;
  };

  async function authenticate(req: IncomingMessage): Promise<AuthenticatedUser | null> {
    try {
      return (await options.authenticate(req)) ?? null;
    } catch {
      return null;
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = audit(req);
    const origWriteHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
    (res as unknown as { writeHead: (...a: unknown[]) => ServerResponse }).writeHead = (...a: unknown[]) => {
      entry.code = Number(a[0]);
      return origWriteHead(...a);
    };
    res.on('close', () => {
      if (!entry.code) entry.code = res.statusCode;
    });
    try {
      const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
      const rt = route(url.pathname);
      if (rt.type === 'health' && !req.headers.authorization) return health(res);
      const user = await authenticate(req);
      if (!user) throw errors.unauthorized();
      entry.user = user.user;
      delete req.headers.authorization;
      if (rt.type === 'resource') return await resource(req, res, url, rt.r, user, entry);
      if (url.pathname === OUTAGE_PATH && req.method === 'POST') return outageRequest(url, res, user);
      if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed(req.method ?? '');
      nonResource(req, res, rt);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 500) console.error('sandbox api: internal error', e);
      if (!res.headersSent) writeStatus(res, err);
      else res.end();
    }
  }

  /** `POST /sandbox/v1/outage?seconds=N` (system:masters only): the fault switch from another process. */
  function outageRequest(url: URL, res: ServerResponse, user: { groups?: string[] }): void {
    if (!user.groups?.includes('system:masters')) throw errors.forbidden({ group: 'sandbox.gatescope.dev', resource: 'outage' }, undefined, 'only system:masters may stop the sandbox API server');
    const seconds = Number(url.searchParams.get('seconds') ?? '5');
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw errors.badRequest('seconds must be in (0, 600]');
    writeJson(res, 202, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', message: `the API server stops for ${seconds}s` }), {});
    res.on('finish', () => void server.outage(seconds * 1000));
  }

  function health(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('ok');
  }

  function nonResource(req: IncomingMessage, res: ServerResponse, rt: ReturnType<typeof route>): void {
    const send = (body: unknown, extra: Record<string, string> = {}) => {
      negotiate(req.headers.accept, { resource: false });
      writeJson(res, 200, typeof body === 'string' ? body : JSON.stringify(body), extra);
    };
    switch (rt.type) {
      case 'health':
        return health(res);
      case 'version':
        return send(VERSION_INFO);
      case 'api':
        return send(apiVersions(`${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 443}`));
      case 'apis':
        return send(groupList(reg));
      case 'group': {
        const g = apiGroup(reg, rt.group);
        if (!g) throw errors.pathNotFound();
        return send(g);
      }
      case 'groupVersion': {
        const l = resourceList(reg, rt.group, rt.version);
        if (!l) throw errors.pathNotFound();
        return send(l);
      }
      case 'openapiIndex':
        return send(openapiIndex(reg));
      case 'openapiDoc': {
        const d = openapiDocs(reg).get(rt.key);
        if (!d) throw errors.pathNotFound();
        return send(d.body, { 'Cache-Control': 'public, immutable', Etag: `"${d.hash}"` });
      }
      default:
        throw errors.pathNotFound();
    }
  }

  function resolve(r: ResourceRoute): ResourceDef {
    const def = reg.lookup(r.group, r.version, r.plural);
    if (!def) throw errors.pathNotFound();
    if (r.namespace !== undefined && !def.namespaced) throw errors.pathNotFound();
    if (r.subresource && !def.subresources.includes(r.subresource)) throw errors.pathNotFound();
    return def;
  }

  function authorize(user: AuthenticatedUser, a: Attributes): void {
    if (!isAllowed(user, a)) throw forbidden(user, a);
  }

  async function resource(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRoute, user: AuthenticatedUser, entry: AuditEntry): Promise<void> {
    const def = resolve(r);
    const method = req.method ?? 'GET';
    const verb = verbOf(method, r, url.searchParams);
    Object.assign(entry, { verb, resource: r.subresource ? `${def.plural}/${r.subresource}` : def.plural, namespace: r.namespace, name: r.name });
    const parsed = splitProxyName(r);
    authorize(user, { verb, group: def.group, resource: def.plural, subresource: r.subresource, namespace: r.namespace, name: parsed.name });
    const s: Scope = makeScope({ req, res, url, query: url.searchParams, user, cfg, def, group: r.group, version: r.version, namespace: r.namespace, name: r.name, subresource: r.subresource });
    if (r.subresource === 'log' || r.subresource === 'proxy') return hook(s, r, parsed);
    if (r.subresource === 'portforward') throw errors.badRequest('Upgrade request required');
    if (r.subresource === 'finalize') throw errors.methodNotAllowed(method);
    const baseVerb = verb === 'watch' && r.name ? 'watch' : verb;
    if (!def.verbs.includes(baseVerb) && !(r.subresource && ['get', 'update', 'patch'].includes(verb))) throw errors.methodNotAllowed(method);
    if (verb !== 'delete' && verb !== 'deletecollection') negotiate(req.headers.accept, { resource: true, watch: verb === 'watch' });
    if (r.subresource === 'scale') {
      if (verb === 'get') return handleGetScale(s);
      if (verb === 'update') return handleUpdate(s);
      if (verb === 'patch') return handlePatch(s);
      throw errors.methodNotAllowed(method);
    }
    if ((verb === 'update' || verb === 'patch') && !r.name) throw errors.methodNotAllowed(method);
    switch (verb) {
      case 'get':
        return handleGet(s);
      case 'list':
        return handleList(s);
      case 'watch':
        if (r.name) s.query.set('fieldSelector', [s.query.get('fieldSelector'), `metadata.name=${r.name}`].filter(Boolean).join(','));
        return handleWatch(s);
      case 'create':
        if (r.name) throw errors.methodNotAllowed(method);
        return handleCreate(s);
      case 'update':
        return handleUpdate(s);
      case 'patch':
        return handlePatch(s);
      case 'delete':
        if (r.subresource) throw errors.methodNotAllowed(method);
        return handleDelete(s, gc);
      case 'deletecollection':
        return handleDeleteCollection(s);
      default:
        throw errors.methodNotAllowed(method);
    }
  }

  async function hook(s: Scope, r: ResourceRoute, parsed: { name: string; scheme?: string; port?: string }): Promise<void> {
    const key = `${s.def.plural}/${r.subresource}` as 'pods/log' | 'pods/proxy' | 'services/proxy';
    const fn = hooks[key];
    if (!s.cfg.store.get(s.def.key, s.namespace, parsed.name)) throw errors.notFound({ group: s.def.group, resource: s.def.plural }, parsed.name);
    if (!fn) throw errors.internal(`${key} is not available in this sandbox`);
    const ctx: SubresourceContext = { namespace: s.namespace ?? '', name: parsed.name, scheme: parsed.scheme, port: parsed.port, subpath: r.subresource === 'proxy' ? r.subpath : '', query: s.query, user: s.user };
    await fn(s.req, s.res, ctx);
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const entry = audit(req);
    socket.on('error', () => socket.destroy());
    const fail = (err: ApiError) => {
      entry.code = err.code;
      const body = JSON.stringify(err.status);
      socket.end(`HTTP/1.1 ${err.code} ${err.status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
      const user = await authenticate(req);
      if (!user) throw errors.unauthorized();
      entry.user = user.user;
      delete req.headers.authorization;
      const rt = route(url.pathname);
      if (rt.type !== 'resource') throw errors.pathNotFound();
      const def = resolve(rt.r);
      if (def.plural !== 'pods' || rt.r.subresource !== 'portforward' || !rt.r.name || !rt.r.namespace) throw errors.pathNotFound();
      Object.assign(entry, { verb: 'create', resource: 'pods/portforward', namespace: rt.r.namespace, name: rt.r.name });
      authorize(user, { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: rt.r.namespace, name: rt.r.name });
      if (!options.store.get('core/pods', rt.r.namespace, rt.r.name)) throw errors.notFound({ group: '', resource: 'pods' }, rt.r.name);
      const fn = hooks['pods/portforward'];
      if (!fn) throw errors.internal('pods/portforward is not available in this sandbox');
      const up = String(req.headers.upgrade ?? '').toLowerCase();
      entry.code = 101;
      upgraded.add(socket);
      socket.on('close', () => upgraded.delete(socket));
      await fn(req, socket, head, { namespace: rt.r.namespace, name: rt.r.name, query: url.searchParams, user, protocol: up.startsWith('spdy') ? 'spdy' : 'websocket' });
    } catch (e) {
      if (!socket.destroyed && !socket.writableEnded) fail(toApiError(e));
    }
  }

  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => void onRequest(req, res)) as SandboxApiServer;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(req, socket, head));
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  let outage: Promise<void> | undefined;
  server.on('close', () => {
    if (!outage) gc.stop();
  });
  Object.defineProperty(server, 'auditLog', { value: auditLog, enumerable: true });
  server.openWatches = () => openWatches.size;
  server.stallWatches = () => {
    for (const w of openWatches) w.stalled = true;
    return openWatches.size;
  };
  server.shutdown = () =>
    new Promise<void>((resolveClose) => {
      gc.stop();
      for (const w of [...openWatches]) w.close();
      for (const sock of upgraded) sock.destroy();
      if (!server.listening) return resolveClose();
      server.close(() => resolveClose());
      server.closeIdleConnections?.();
      setTimeout(() => server.closeAllConnections?.(), 200).unref();
    });
  server.outage = (ms: number) =>
    (outage ??= (async () => {
      const addr = server.address() as AddressInfo | null;
      if (!addr) return;
      // As a stopped kube-apiserver: watches end, connections drop, new ones are refused.
      for (const w of [...openWatches]) w.close();
      for (const sock of upgraded) sock.destroy();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      });
      await new Promise((r) => setTimeout(r, ms));
      await new Promise<void>((r, j) => {
        server.once('error', j);
        server.listen({ port: addr.port, host: addr.address }, () => {
          server.off('error', j);
          r();
        });
      });
    })().finally(() => (outage = undefined)));
  return server;
}

/** `web`, `https:web:8443`, `web:http` → name, scheme, port (proxy subresource naming). */
function splitProxyName(r: ResourceRoute): { name: string; scheme?: string; port?: string } {
  const n = r.name ?? '';
  if (r.subresource !== 'proxy') return { name: n };
  const parts = n.split(':');
  if (parts.length === 3) return { scheme: parts[0], name: parts[1]!, port: parts[2] };
  if (parts.length === 2) return { name: parts[0]!, port: parts[1] };
  return { name: n };
}

