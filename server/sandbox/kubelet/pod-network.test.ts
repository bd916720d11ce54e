import { describe, expect, it } from 'vitest';
import { createPodNetwork } from './pod-network';

describe('createPodNetwork', () => {
  it('gives two sandboxes different /16s, and refuses an octet already claimed', async () => {
    const a = await createPodNetwork();
    const b = await createPodNetwork();
    try {
      expect(a.octet).not.toBe(b.octet);
      expect(a.cidr).toBe(`127.${a.octet}.0.0/16`);
      await expect(createPodNetwork({ octet: a.octet })).rejects.toThrow(/in use/);
    } finally {
      await a.close();
      await b.close();
    }
    const again = await createPodNetwork({ octet: a.octet });
    await again.close();
  });

  it('hands out host addresses, skipping .0, .1 and .255, and reuses released ones last', async () => {
    const n = await createPodNetwork();
    try {
      const first = n.allocate();
      expect(first).toBe(`127.${n.octet}.0.2`);
      const ips = Array.from({ length: 300 }, () => n.allocate());
      expect(ips.some((ip) => /\.(0|255)$/.test(ip))).toBe(false);
      expect(new Set(ips).size).toBe(300);
      n.release(first);
      expect(n.allocate()).not.toBe(first);
    } finally {
      await n.close();
    }
  });
});
