/**
 * `gatescope start` builds the Next app first when the build is missing or older than any source
 * file it is built from, so `npm install && npm start` works on a fresh clone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['app', 'components', 'lib', 'public'];
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
  const id = join(root, process.env.GATESCOPE_DIST_DIR ?? '.next', 'BUILD_ID');
  if (!existsSync(id)) return true;
  return newestMtime(root) > statSync(id).mtimeMs;
}

export async function ensureBuild(root: string, log: (s: string) => void = console.log): Promise<void> {
  if (!buildIsStale(root)) return;
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
