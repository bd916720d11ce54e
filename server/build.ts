/**
 * `gatescope start` builds the Next app first when the build is missing or older than any source
 * file it is built from, so `npm install && npm start` works on a fresh clone.
 *
 * Several consoles may start at once from one checkout (Playwright's webServers do): only one of
 * them builds a given dist folder. The builder holds a lock file (`.gatescope/build-<dist>.lock`,
 * created exclusively, holding its pid); the others wait until it is gone, then look again and
 * use the fresh build. A lock whose process is dead is taken over.
 *
 * `GATESCOPE_REUSE_BUILD=1`: a console started beside others already serving a dist folder (the
 * two-context console of e2e/contexts.spec.ts) uses the build they serve as it is, even if a source
 * changed since, rather than rebuilding it from under them; it builds only when there is none.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';

// server/ too: the route handlers in app/api bundle server code into the build.
const SOURCE_DIRS = ['app', 'components', 'lib', 'server', 'public'];
const SOURCE_FILES = ['next.config.ts', 'postcss.config.mjs', 'package.json', 'tsconfig.json'];

function newestMtime(root: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  for (const f of SOURCE_FILES) if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

export function buildIsStale(root: string): boolean {
  const id = join(root, distDir(), 'BUILD_ID');
  if (!existsSync(id)) return true;
  return newestMtime(root) > statSync(id).mtimeMs;
}

const distDir = () => process.env.GATESCOPE_DIST_DIR ?? '.next';

/** Where the build lock of the current dist folder lives. */
export function buildLockPath(root: string): string {
  return join(root, '.gatescope', `build-${distDir().replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (true), or says another live process holds it (false). A dead holder's lock is removed. */
export function tryLock(lock: string): boolean {
  mkdirSync(join(lock, '..'), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      // Empty: the holder is between create and write; give it the benefit of the doubt.
      if (Number.isNaN(holder) || holder === 0 || alive(holder)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

export interface LockWait {
  /** Give up after this long (default 10 minutes: a cold `next build` on a busy 2-core machine). */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Builds when the build is stale, unless another process is building the same dist folder: then
 * waits for it (polling its lock, bounded by `timeoutMs`) and checks again.
 */
export async function ensureBuild(root: string, log: (s: string) => void = console.log, wait: LockWait = {}): Promise<void> {
  const lock = buildLockPath(root);
  const deadline = Date.now() + (wait.timeoutMs ?? 600_000);
  let told = false;
  if (process.env.GATESCOPE_REUSE_BUILD === '1' && existsSync(join(root, distDir(), 'BUILD_ID')) && !existsSync(lock)) return;
  for (;;) {
    if (!buildIsStale(root)) return;
    // Waited for another builder that finished: use its build even if a source changed since
    // (rebuilding would pull the files from under the console already serving them).
    if (told && existsSync(join(root, distDir(), 'BUILD_ID')) && !existsSync(lock)) return;
    if (tryLock(lock)) break;
    if (!told) log(`gatescope: another gatescope is building ${distDir()}; waiting for it (${lock})…`);
    told = true;
    if (Date.now() > deadline) throw new Error(`gave up waiting for the build lock ${lock}; remove it if no build is running`);
    await delay(wait.pollMs ?? 500);
  }
  try {
    // The build may have finished between the check and the lock.
    if (buildIsStale(root)) await runBuild(root, log);
  } finally {
    rmSync(lock, { force: true });
  }
}

async function runBuild(root: string, log: (s: string) => void): Promise<void> {
  log('gatescope: building the web app (first start or sources changed)…');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
  });
}
