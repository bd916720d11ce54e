/**
 * Test support: a sandbox with the real gateway proxies (Envoy-shaped admin API on the pod
 * loopback :15000) and the real istiod stand-in (`/debug/syncz` on its loopback :15014).
 *
 * When the mesh's default data plane (`server/sandbox/mesh/data-plane.ts`) exists it is used;
 * until then the two containers are composed here around a discovery server. Either way the
 * gateway containers are wrapped so a test can read each proxy's own admin request record.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataPlane } from '../../sandbox/data-plane';
import type { ContainerImpl, ImageResolver } from '../../sandbox/kubelet/container';
import { GatewayProxyImpl, type RunningGatewayProxy } from '../../sandbox/mesh/envoy/index';
import { IstiodImpl, IstiodXdsServer } from '../../sandbox/mesh/istiod/index';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../../sandbox/start';

export const HAS_DEFAULT_DATA_PLANE = existsSync(join(import.meta.dirname, '../../sandbox/mesh/data-plane.ts'));

export interface MeshSandbox {
  sb: RunningSandbox;
  /** The running gateway proxies by pod name (latest instance). */
  proxies: Map<string, RunningGatewayProxy>;
  close(): Promise<void>;
}

export async function startMeshSandbox(): Promise<MeshSandbox> {
  const proxies = new Map<string, RunningGatewayProxy>();
  const gateway = new GatewayProxyImpl();
  const recordingGateway: ContainerImpl = {
    async start(ctx) {
      const p = await gateway.start(ctx);
      proxies.set(ctx.pod.metadata.name, p);
      return p;
    },
  };
  const resolver: ImageResolver = (c) => (c.image.includes('istio/proxyv2') ? recordingGateway : undefined);
  let dataPlane: DataPlane | undefined;
  let xds: IstiodXdsServer | undefined;
  if (!HAS_DEFAULT_DATA_PLANE) {
    xds = new IstiodXdsServer();
    const istiod = new IstiodImpl();
    dataPlane = { services: { xds }, imageResolver: (c) => (c.image.includes('istio/pilot') ? istiod : undefined) };
  }
  const sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset(), imageResolver: resolver, ...(dataPlane ? { dataPlane } : {}) });
  return {
    sb,
    proxies,
    async close() {
      await sb.close();
      xds?.close();
    },
  };
}
