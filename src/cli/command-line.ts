/**
 * How every command reads its flags, so they all behave alike: `--help`/`-h` prints the command's
 * help (exit 0); an unknown flag, or a value outside its allowed choices, is a usage error (exit 2)
 * that points at `--help`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine<V> {
  values: V;
  positionals: string[];
}

/** The parsed flags, or the exit code when the command should stop here. */
export function readCommandLine<V>(command: string, argv: string[], help: string, options: Options, choices: Record<string, readonly string[]> = {}): CommandLine<V> | number {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...options, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    return usageError(command, (error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(help);
    return 0;
  }
  for (const [flag, allowed] of Object.entries(choices)) {
    const value = parsed.values[flag];
    if (typeof value === 'string' && !allowed.includes(value)) return usageError(command, `--${flag} must be ${orList(allowed)}, not '${value}'`);
  }
  return { values: parsed.values as V, positionals: parsed.positionals };
}

export function usageError(command: string, message: string): number {
  process.stderr.write(`modelgate ${command}: ${message}\nRun 'modelgate ${command} --help' for usage.\n`);
  return 2;
}

function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
