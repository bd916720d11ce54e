/**
 * The pod network of one sandbox: a /16 on the loopback range, 127.X.0.0/16, so every pod gets a
 * real, bindable address (on Linux the whole of 127.0.0.0/8 is loopback).
 *
 * Two sandboxes on one machine (two test workers, a test next to `gatescope start`) must never
 * share X. The claim is a listener on 127.X.0.1:10250 (the "node's" kubelet port on the pod
 * bridge): the operating system arbitrates, across processes, and the claim dies with the process.
 *
 * Not handled: systems where only 127.0.0.1 is configured (macOS without `ifconfig lo0 alias`):
 * binding 127.X.0.1 fails there and startSandbox reports it.
 */
import { createServer, type Server } from 'node:net';

export const CLAIM_PORT = 10250;
const MIN_OCTET = 16;
const MAX_OCTET = 254;

export interface PodNetwork {
  /** X of 127.X.0.0/16. */
  readonly octet: number;
  /** `127.X.0.0/16` (the Node's spec.podCIDR). */
  readonly cidr: string;
  /** A free pod IP (never 127.X.0.0, .0.1 or any .255). */
  allocate(): string;
  /** Returns an IP to the pool (reused only after every other address was handed out once). */
  release(ip: string): void;
  /** Drops the claim on the /16. */
  close(): Promise<void>;
}

function bind(host: string, port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer((sock) => sock.destroy());
    s.once('error', () => resolve(undefined));
    s.listen({ host, port, exclusive: true }, () => resolve(s));
  });
}

/**
 * Claims a /16 for a sandbox. With `octet` that one or an error; else the first free octet,
 * starting at a random place so concurrent starts rarely race for the same one.
 */
export async function createPodNetwork(opts: { octet?: number; random?: () => number } = {}): Promise<PodNetwork> {
  const random = opts.random ?? Math.random;
  let claim: Server | undefined;
  let octet = opts.octet;
  if (octet !== undefined) {
    if (!Number.isInteger(octet) || octet < 1 || octet > 254) throw new Error(`podCidrOctet must be 1..254, got ${octet}`);
    claim = await bind(`127.${octet}.0.1`, CLAIM_PORT);
    if (!claim) throw new Error(`pod network 127.${octet}.0.0/16 is in use by another sandbox (or 127.${octet}.0.1 cannot be bound)`);
  } else {
    const span = MAX_OCTET - MIN_OCTET + 1;
    const start = Math.floor(random() * span);
    for (let i = 0; i < span && !claim; i++) {
      const x = MIN_OCTET + ((start + i) % span);
      claim = await bind(`127.${x}.0.1`, CLAIM_PORT);
      if (claim) octet = x;
    }
    if (!claim || octet === undefined) throw new Error('no free pod network on 127.0.0.0/8 (every 127.X.0.1:10250 is taken or unbindable)');
  }
  const x = octet;
  let next = 2; // host index within the /16; 0 and 1 are reserved
  const freed: number[] = [];
  const inUse = new Set<number>();
  const toIp = (n: number) => `127.${x}.${n >> 8}.${n & 255}`;
  const valid = (n: number) => (n & 255) !== 0 && (n & 255) !== 255 && n > 1;
  return {
    octet: x,
    cidr: `127.${x}.0.0/16`,
    allocate() {
      while (next < 65535 && !valid(next)) next++;
      let n: number | undefined;
      if (next < 65535) n = next++;
      else n = freed.shift();
      if (n === undefined) throw new Error(`pod network 127.${x}.0.0/16 is exhausted`);
      inUse.add(n);
      return toIp(n);
    },
    release(ip: string) {
      const parts = ip.split('.').map(Number);
      if (parts.length !== 4 || parts[1] !== x) return;
      const n = (parts[2]! << 8) | parts[3]!;
      if (inUse.delete(n)) freed.push(n);
    },
    close() {
      return new Promise<void>((resolve) => claim!.close(() => resolve()));
    },
  };
}
