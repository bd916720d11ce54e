/**
 * Argument parsing with the CLI's conventions: `node:util` parseArgs in strict mode, `-h/--help`
 * on every command, a parse error printed with the help (exit 2), the help printed on request
 * (exit 0). The caller gets the parsed arguments, or the exit code to return.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** `positionals`: whether the command takes operands (otherwise one is an error, as before). */
export function parseCommand<const O extends Options>(command: string, argv: string[], options: O, help: string, positionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: positionals });
  } catch (err) {
    console.error(`gatescope ${command}: ${(err as Error).message}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  return parsed;
}
