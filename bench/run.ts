/**
 * `npm run bench`: runs every bench/*.bench.ts as its own process (one at a time: the machine has
 * two cores), collects the JSON figure lines they print
 * (`{"figure": "...", "value": n, "unit": "...", "target"?: n, "better"?: "higher"|"lower"}`),
 * prints one table and writes it to bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Figure {
  figure: string;
  value: number;
  unit?: string;
  target?: number;
  better?: 'higher' | 'lower';
  bench?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

function runOne(file: string): Promise<Figure[]> {
  return new Promise((resolve) => {
    const figures: Figure[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line.startsWith('{"figure"')) {
          try {
            figures.push({ ...(JSON.parse(line) as Figure), bench: file });
          } catch {
            process.stdout.write(line + '\n');
          }
        } else if (line) process.stdout.write(`  ${line}\n`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 10 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`bench ${file} exited with ${code}`);
      resolve(figures);
    });
  });
}

const all: Figure[] = [];
for (const f of files) {
  console.log(`▶ ${f}`);
  all.push(...(await runOne(f)));
}

const verdict = (f: Figure) => {
  if (f.target === undefined) return '';
  const better = f.better ?? 'higher';
  return (better === 'higher' ? f.value >= f.target : f.value <= f.target) ? 'pass' : 'miss';
};
const rows = all.map((f) => [
  f.figure,
  fmt(f.value) + (f.unit ? ` ${f.unit}` : ''),
  f.target === undefined ? '' : fmt(f.target),
  f.target ? fmt((f.better ?? 'higher') === 'higher' ? f.value / f.target : f.target / f.value) : '',
  verdict(f),
]);
const head = ['figure', 'value', 'target', 'ratio', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log('\n' + [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n'));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), figures: all }, null, 2));

function fmt(n: number): string {
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (n !== 0 && Math.abs(n) < 0.1) return String(Number(n.toPrecision(2)));
  return String(Math.round(n * 100) / 100);
}
