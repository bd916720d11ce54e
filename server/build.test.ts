import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildLockPath, ensureBuild, tryLock } from './build';

describe('build lock (two consoles starting at once build one dist folder once)', () => {
  let root = '';
  const saved = process.env.GATESCOPE_DIST_DIR;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gatescope-build-'));
    process.env.GATESCOPE_DIST_DIR = '.next-locktest';
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'app', 'page.tsx'), 'export default 1;\n');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GATESCOPE_DIST_DIR;
    else process.env.GATESCOPE_DIST_DIR = saved;
    rmSync(root, { recursive: true, force: true });
  });

  it('the lock is exclusive while its holder lives, and taken over from a dead one', () => {
    const lock = buildLockPath(root);
    expect(lock).toBe(join(root, '.gatescope', 'build-.next-locktest.lock'));
    expect(tryLock(lock)).toBe(true);
    expect(tryLock(lock)).toBe(false); // held by this (live) process
    writeFileSync(lock, '2147483646'); // no such process
    expect(tryLock(lock)).toBe(true);
  });

  it('a second start waits for the builder and uses its build instead of building again', async () => {
    const lock = buildLockPath(root);
    expect(tryLock(lock)).toBe(true); // "another process" is building
    const logs: string[] = [];
    let done = false;
    const waiting = ensureBuild(root, (s) => logs.push(s), { pollMs: 20, timeoutMs: 10_000 }).then(() => (done = true));
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/another gatescope is building/), { timeout: 5_000, interval: 10 });
    expect(done).toBe(false);
    // The builder finishes: BUILD_ID written, lock released.
    mkdirSync(join(root, '.next-locktest'));
    writeFileSync(join(root, '.next-locktest', 'BUILD_ID'), 'x');
    rmSync(lock);
    await waiting;
    expect(done).toBe(true);
    expect(logs.join('\n')).not.toMatch(/building the web app/);
    expect(existsSync(lock)).toBe(false);
  });

  it('GATESCOPE_REUSE_BUILD=1 serves an existing build even when a source is newer, and builds none', async () => {
    mkdirSync(join(root, '.next-locktest'));
    writeFileSync(join(root, '.next-locktest', 'BUILD_ID'), 'x');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, '.next-locktest', 'BUILD_ID'), past, past); // app/page.tsx is newer: stale
    const logs: string[] = [];
    process.env.GATESCOPE_REUSE_BUILD = '1';
    try {
      await ensureBuild(root, (s) => logs.push(s), { pollMs: 10, timeoutMs: 1_000 });
    } finally {
      delete process.env.GATESCOPE_REUSE_BUILD;
    }
    expect(logs).toEqual([]);
    expect(existsSync(buildLockPath(root))).toBe(false);
  });

  it('gives up after its timeout with a message naming the lock', async () => {
    const lock = buildLockPath(root);
    expect(tryLock(lock)).toBe(true);
    await expect(ensureBuild(root, () => {}, { pollMs: 10, timeoutMs: 50 })).rejects.toThrow(/build lock/);
  });
});
