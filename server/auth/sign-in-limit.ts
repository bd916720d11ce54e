/**
 * Sign-in throttling for `--auth token`. Every sign-in costs the API server a SelfSubjectReview, and
 * a console that answers "wrong token" as fast as it can is a token-guessing oracle, so:
 *
 * - per peer (the socket's address): at most `perPeerFailures` refused sign-ins in `windowMs`;
 *   after that the peer gets 429 until its oldest failure leaves the window. A success clears the
 *   peer's record;
 * - for everyone together: at most `globalAttempts` sign-ins in `windowMs` reach the API server,
 *   so rotating addresses cannot turn the console into a TokenReview amplifier.
 *
 * Memory is bounded: at most `maxPeers` peers are tracked (the oldest record is forgotten first).
 */

export interface SignInLimitOptions {
  windowMs?: number;
  perPeerFailures?: number;
  globalAttempts?: number;
  maxPeers?: number;
}

export type SignInVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string };

export class SignInLimiter {
  private readonly windowMs: number;
  private readonly perPeerFailures: number;
  private readonly globalAttempts: number;
  private readonly maxPeers: number;
  /** Peer → failure times (ascending). Map order is insertion order: the first key is the stalest. */
  private readonly failures = new Map<string, number[]>();
  private attempts: number[] = [];

  constructor(opts: SignInLimitOptions = {}) {
    this.windowMs = opts.windowMs ?? 5 * 60_000;
    this.perPeerFailures = opts.perPeerFailures ?? 10;
    this.globalAttempts = opts.globalAttempts ?? 120;
    this.maxPeers = opts.maxPeers ?? 10_000;
  }

  /** Called before a sign-in is tried; counts the attempt when it is allowed. */
  attempt(peer: string, now: number): SignInVerdict {
    const since = now - this.windowMs;
    const mine = this.prune(peer, since);
    if (mine && mine.length >= this.perPeerFailures) {
      return { ok: false, retryAfterSeconds: seconds(mine[0]! + this.windowMs - now), reason: `too many refused sign-ins from your address: try again in ${seconds(mine[0]! + this.windowMs - now)} s` };
    }
    while (this.attempts.length && this.attempts[0]! <= since) this.attempts.shift();
    if (this.attempts.length >= this.globalAttempts) {
      return { ok: false, retryAfterSeconds: seconds(this.attempts[0]! + this.windowMs - now), reason: `the console is refusing sign-ins for a moment (more than ${this.globalAttempts} in ${Math.round(this.windowMs / 1000)} s): try again in ${seconds(this.attempts[0]! + this.windowMs - now)} s` };
    }
    this.attempts.push(now);
    return { ok: true };
  }

  /** The outcome of an allowed attempt: `refused` for a wrong or malformed token (HTTP 400/401). */
  record(peer: string, refused: boolean, now: number): void {
    if (!refused) {
      this.failures.delete(peer);
      return;
    }
    const mine = this.prune(peer, now - this.windowMs) ?? [];
    mine.push(now);
    this.failures.delete(peer);
    this.failures.set(peer, mine);
    while (this.failures.size > this.maxPeers) this.failures.delete(this.failures.keys().next().value!);
  }

  /** How many peers are tracked (tests, health). */
  get trackedPeers(): number {
    return this.failures.size;
  }

  private prune(peer: string, since: number): number[] | undefined {
    const mine = this.failures.get(peer);
    if (!mine) return undefined;
    while (mine.length && mine[0]! <= since) mine.shift();
    if (!mine.length) {
      this.failures.delete(peer);
      return undefined;
    }
    return mine;
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
