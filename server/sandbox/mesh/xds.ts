/**
 * The sandbox's stand-in for xDS: how the istiod stand-in pushes configuration to gateway proxies
 * and learns whether each proxy accepted it (ACK) or rejected it (NACK).
 *
 * Real Istio: istiod computes Envoy resources (CDS, LDS, RDS, EDS, SDS) per proxy and streams them;
 * the proxy ACKs a response by echoing its nonce, or NACKs with error_detail and keeps serving
 * its last accepted configuration. We keep that shape: one push carries every type at once, each
 * type is acknowledged separately, and a rejected push leaves the proxy on its previous config.
 */
import type { StoredObject } from '../api/store';

export type XdsType = 'CDS' | 'LDS' | 'RDS' | 'EDS' | 'SDS' | 'ECDS';

/** Envoy v3 resources as JSON (the same objects /config_dump prints), by type. */
export interface EnvoyResources {
  /** envoy.config.cluster.v3.Cluster */
  clusters: unknown[];
  /** envoy.config.listener.v3.Listener */
  listeners: unknown[];
  /** envoy.config.route.v3.RouteConfiguration */
  routes: unknown[];
  /** envoy.config.endpoint.v3.ClusterLoadAssignment */
  endpoints: unknown[];
  /** envoy.extensions.transport_sockets.tls.v3.Secret */
  secrets: unknown[];
}

export interface XdsPush {
  /** istiod's version string for this push, e.g. 2026-11-22T23:40:01Z/17 (as in syncz). */
  version: string;
  /** Nonce per type (istiod sends one nonce per response). */
  nonces: Record<XdsType, string>;
  resources: EnvoyResources;
  /** Which store change triggered the push (for logs and tests). */
  reason?: string;
}

export type XdsAck =
  | { ok: true }
  | {
      ok: false;
      /** The xDS type whose resources were rejected (e.g. LDS for a listener with a missing certificate). */
      type: XdsType;
      /** error_detail.message as Envoy sends it. */
      error: string;
    };

/** What a gateway proxy exposes to the istiod stand-in. */
export interface XdsProxy {
  /** `<pod>.<namespace>`, as istiod names proxies in /debug/syncz. */
  readonly id: string;
  readonly pod: StoredObject;
  /** 'router' for gateways, 'sidecar' otherwise. */
  readonly proxyType: 'router' | 'sidecar';
  /** Types this proxy subscribed to. */
  readonly watchedTypes: XdsType[];
  /** Apply a push; returns the ACK/NACK. Must not throw. */
  push(p: XdsPush): XdsAck;
}

/** Registry the gateway proxies use to connect to "istiod" (SandboxServices key 'xds'). */
export interface XdsServer {
  connect(proxy: XdsProxy): { disconnect(): void };
}
