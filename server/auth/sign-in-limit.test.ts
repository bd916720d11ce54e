import { describe, expect, it } from 'vitest';
import { SignInLimiter } from './sign-in-limit';

describe('SignInLimiter', () => {
  it('locks a peer out after its refused sign-ins fill the window, and lets it back when they age out', () => {
    const l = new SignInLimiter({ windowMs: 60_000, perPeerFailures: 3, globalAttempts: 100 });
    let t = 0;
    for (let i = 0; i < 3; i++) {
      expect(l.attempt('10.0.0.1', t)).toEqual({ ok: true });
      l.record('10.0.0.1', true, t);
      t += 1000;
    }
    const refused = l.attempt('10.0.0.1', t);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBe(57);
      expect(refused.reason).toMatch(/too many refused sign-ins/);
    }
    // Another address is not affected.
    expect(l.attempt('10.0.0.2', t).ok).toBe(true);
    // The first failure leaves the window at 60 s.
    expect(l.attempt('10.0.0.1', 60_001).ok).toBe(true);
  });

  it('a successful sign-in clears the peer’s failures', () => {
    const l = new SignInLimiter({ windowMs: 60_000, perPeerFailures: 2, globalAttempts: 100 });
    l.attempt('p', 0);
    l.record('p', true, 0);
    l.attempt('p', 1);
    l.record('p', false, 1);
    expect(l.trackedPeers).toBe(0);
    l.attempt('p', 2);
    l.record('p', true, 2);
    expect(l.attempt('p', 3).ok).toBe(true);
  });

  it('caps sign-ins from all addresses together, so rotating addresses cannot flood the API server', () => {
    const l = new SignInLimiter({ windowMs: 10_000, perPeerFailures: 100, globalAttempts: 5 });
    for (let i = 0; i < 5; i++) expect(l.attempt(`peer-${i}`, i).ok).toBe(true);
    const v = l.attempt('peer-new', 5);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/more than 5 in 10 s/);
    expect(l.attempt('peer-new', 10_001).ok).toBe(true);
  });

  it('tracks a bounded number of peers', () => {
    const l = new SignInLimiter({ windowMs: 60_000, perPeerFailures: 3, globalAttempts: 1e9, maxPeers: 100 });
    for (let i = 0; i < 1000; i++) {
      l.attempt(`peer-${i}`, i);
      l.record(`peer-${i}`, true, i);
    }
    expect(l.trackedPeers).toBe(100);
  });
});
