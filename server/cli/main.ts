/**
 * `gatescope <command>`: dispatches to one module per command. Each command module exports
 * `run(argv: string[]): Promise<number | void>` (the exit code) and a one-line `summary`.
 */
interface CommandModule {
  summary: string;
  run(argv: string[]): Promise<number | void>;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  start: () => import('./start'),
  sandbox: () => import('./sandbox'),
  analyze: () => import('./analyze'),
  route: () => import('./route'),
  logs: () => import('./logs'),
  'proxy-status': () => import('./proxy-status'),
  'proxy-config': () => import('./proxy-config'),
};

function usage(): string {
  const lines = ['Usage: gatescope <command> [options]', '', 'Commands:'];
  for (const name of Object.keys(commands)) lines.push(`  ${name}`);
  lines.push('', 'Run `gatescope <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`gatescope: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}
