/**
 * Public types of the sandbox API server: authentication, the subresource hooks the data plane
 * plugs into (pods/log, pods/proxy, services/proxy, pods/portforward), and the audit log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Store } from './store';

/** An RBAC-like rule. `*` is a wildcard in every list; the core group is `''`. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  /** Plural resource names, optionally with a subresource: `pods`, `pods/log`, `*`, `* /scale`. */
  resources: string[];
  /** Restrict to these object names (as RBAC's resourceNames). */
  resourceNames?: string[];
  /** Restrict to these namespaces (as a RoleBinding would); omitted = every namespace and cluster scope. */
  namespaces?: string[];
}

export interface AuthenticatedUser {
  /** The user name, e.g. `sandbox-admin` (what `Forbidden` messages and SSAR quote). */
  user: string;
  groups: string[];
  uid?: string;
  /** Permissions; omitted = allowed everything (the sandbox admin). Members of `system:masters` are also allowed everything. */
  rules?: PolicyRule[];
}

/** Returns who the request is from (typically from `Authorization: Bearer …`) or null (→ 401). */
export type Authenticate = (req: IncomingMessage) => AuthenticatedUser | null | Promise<AuthenticatedUser | null>;

/** What a pods/log, pods/proxy or services/proxy hook receives besides req/res. */
export interface SubresourceContext {
  namespace: string;
  /** The pod or service name (scheme and port split off for proxy paths: `https:web:8443` → `web`). */
  name: string;
  /** `http` or `https` when the proxy path named one (`https:name:port`), else undefined. */
  scheme?: string;
  /** Port (number or port name) when the proxy path named one, else undefined. */
  port?: string;
  /** For proxy: the path after `/proxy`, starting with `/` (`/` when empty). For log: `''`. */
  subpath: string;
  query: URLSearchParams;
  user: AuthenticatedUser;
}

/**
 * A hook for an HTTP subresource. The API server has already authenticated, authorized and checked
 * that the pod/service exists (404 Status otherwise). The hook owns the response; if it throws
 * before writing, the server answers a 500 Status. The `Authorization` header has been removed
 * (as kube-apiserver does before proxying).
 */
export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, ctx: SubresourceContext) => void | Promise<void>;

export interface UpgradeContext {
  namespace: string;
  name: string;
  query: URLSearchParams;
  user: AuthenticatedUser;
  /** `websocket` (Upgrade: websocket, client-node PortForward / kubectl's tunnelled SPDY) or `spdy` (Upgrade: SPDY/3.1). */
  protocol: 'websocket' | 'spdy';
}

/**
 * A hook for an upgrade subresource (pods/portforward). Authentication, authorization (`create` on
 * `pods/portforward`) and the pod's existence are checked first; failures are written to the socket
 * as an HTTP response with a Status body. The hook owns the socket afterwards.
 */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext) => void | Promise<void>;

export interface SubresourceHooks {
  'pods/log'?: SubresourceHandler;
  'pods/proxy'?: SubresourceHandler;
  'services/proxy'?: SubresourceHandler;
  'pods/portforward'?: UpgradeHandler;
}

export interface AuditEntry {
  /** ISO timestamp when the request arrived. */
  time: string;
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** The authenticated user name, or undefined for 401. */
  user?: string;
  /** The HTTP status code answered (for watches and upgrades: the status of the response head). */
  code: number;
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection), when a resource request. */
  verb?: string;
  /** `pods`, `virtualservices.networking.istio.io`, `pods/log`… when a resource request. */
  resource?: string;
  namespace?: string;
  name?: string;
  userAgent?: string;
}

export interface ApiServerOptions {
  store: Store;
  tls: { key: string | Buffer; cert: string | Buffer };
  authenticate: Authenticate;
  subresources?: SubresourceHooks;
  /** Request body limit in bytes (default 3 MiB, as kube-apiserver's). Larger → 413 Status. */
  maxBodyBytes?: number;
  /** Interval between periodic BOOKMARK events of watches with allowWatchBookmarks (default 60 000 ms). */
  bookmarkIntervalMs?: number;
  /** Entries kept in the audit log (default 5 000, oldest dropped). */
  auditLogSize?: number;
  /** Server-side cap for watch timeouts when the client gives none (default 30–60 min randomised, like --min-request-timeout). */
  defaultWatchTimeoutSeconds?: number;
  /** Clock (for tests). */
  now?: () => Date;
}

export interface SandboxApiServer extends HttpsServer {
  /** The request log (newest last), bounded by `auditLogSize`. */
  readonly auditLog: AuditEntry[];
  /** Ends all open watches and upgraded connections, then closes the server. */
  shutdown(): Promise<void>;
  /** How many watches are open now (for tests and benchmarks). */
  openWatches(): number;
  /**
   * Stops serving for `ms` as a stopped kube-apiserver would (watches end, connections drop, new
   * connections are refused), then listens again on the same address; the store is untouched, so
   * clients resume from their resourceVersion.
   */
  outage(ms: number): Promise<void>;
  /**
   * Makes every open watch half-open: the connection stays up but nothing more is written on it,
   * not even its timeout's end (a dead NAT or load balancer between client and server). New
   * watches are not affected. Returns how many watches it stalled.
   */
  stallWatches(): number;
}
