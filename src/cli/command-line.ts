/**
 * How every command reads its flags, so they all behave alike: `--help`/`-h` prints the command's
 * help (exit 0); an unknown flag, or a value outside its allowed choices, is a usage error (exit 2)
 * that points at `--help` and, for a misspelt flag, names the closest one. Node's own parser
 * messages (written for programmers) never reach the user.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../validate/did-you-mean.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine<V> {
  values: V;
  positionals: string[];
}

/** The parsed flags, or the exit code when the command should stop here. */
export function readCommandLine<V>(command: string, argv: string[], help: string, options: Options, choices: Record<string, readonly string[]> = {}): CommandLine<V> | number {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  const all: Options = { ...options, help: { type: 'boolean', short: 'h', default: false } };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: all });
  } catch (error) {
    return usageError(command, flagProblem(error as Error & { code?: string }, argv, all));
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

/** What is wrong with the flags, in the words of this tool. */
function flagProblem(error: Error & { code?: string }, argv: string[], options: Options): string {
  const flags = Object.keys(options).map((name) => `--${name}`);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = argv.find((arg) => arg.startsWith('-') && !flags.includes(arg.split('=')[0]!) && !Object.values(options).some((o) => o.short !== undefined && arg === `-${o.short}`));
    const typed = (given ?? '').split('=')[0]!;
    const suggestion = closestName(typed.replace(/^-+/, ''), Object.keys(options));
    return `unknown option ${typed || '(?)'}${suggestion ? `; did you mean --${suggestion}?` : ''} (options: ${flags.join(', ')})`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = flags.find((name) => error.message.includes(`'${name}`) || error.message.includes(`${name} `));
    const kind = flag && options[flag.slice(2)]?.type === 'boolean' ? 'takes no value' : 'needs a value';
    return flag ? `${flag} ${kind}` : 'an option is missing its value';
  }
  return error.message;
}

export function usageError(command: string, message: string): number {
  process.stderr.write(`modelgate ${command}: ${message}\nRun 'modelgate ${command} --help' for usage.\n`);
  return 2;
}

function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
