import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommand } from './args';

afterEach(() => vi.restoreAllMocks());

describe('parseCommand', () => {
  const opts = { output: { type: 'string', short: 'o', default: 'text' } } as const;

  it('returns the values (and operands when the command takes them)', () => {
    const p = parseCommand('x', ['-o', 'json', 'pod-a'], opts, 'HELP', true);
    expect(typeof p).toBe('object');
    if (typeof p === 'object') {
      expect(p.values.output).toBe('json');
      expect(p.positionals).toEqual(['pod-a']);
    }
  });

  it('prints the help for -h (exit 0) and an error with the help for bad input (exit 2)', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(parseCommand('x', ['-h'], opts, 'HELP')).toBe(0);
    expect(log).toHaveBeenCalledWith('HELP');
    expect(parseCommand('x', ['--nope'], opts, 'HELP')).toBe(2);
    expect(parseCommand('x', ['operand'], opts, 'HELP')).toBe(2);
    expect(error.mock.calls[0]![0]).toMatch(/^gatescope x: Unknown option '--nope'\n\nHELP$/);
  });
});
