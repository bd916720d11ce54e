/**
 * The one seam between the custom server and Next's bundled route handlers.
 *
 * Module singletons created by the custom server are not the instances Next's bundled route
 * handlers import (they are separate module graphs), so the runtime travels through one
 * process-wide symbol on globalThis.
 */
import type { KubeConfig } from '@kubernetes/client-node';

export interface Runtime {
  /** 'sandbox' when gatescope started its built-in cluster, 'cluster' for a kubeconfig/in-cluster. */
  mode: 'sandbox' | 'cluster';
  kubeConfig: KubeConfig;
  /** Context name shown in the UI. */
  context: string;
  /** API server URL of the current context. */
  server: string;
  startedAt: Date;
  /** `--read-only`: the console writes nothing (the write routes answer 403, `/api/access` says why). */
  readOnly?: boolean;
  /** Origins users reach the console at besides its own listener (`--public-url`), for Origin/CSRF checks. */
  publicOrigins?: string[];
  /** Extra services registered by later layers (kube cache, logs, sync, hub). */
  services: Record<string, unknown>;
}

const KEY = Symbol.for('gatescope.runtime');

export function setRuntime(runtime: Runtime | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Record<symbol, Runtime | undefined>)[KEY];
  if (!runtime) throw new Error('gatescope runtime not started: run `gatescope start` (server/main.ts)');
  return runtime;
}

export function tryGetRuntime(): Runtime | undefined {
  return (globalThis as Record<symbol, Runtime | undefined>)[KEY];
}
