#!/usr/bin/env node
/**
 * Entry point. Each command lives in src/cli/<command>.ts and is imported only when run, so
 * `validate` never pays for Octokit or handlebars at start-up.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  validate: { summary: 'check release policies and report problems at their line and column', load: () => import('./validate.js') },
  schema: { summary: 'print the ReleasePolicy JSON Schema', load: () => import('./schema.js') },
  compile: { summary: 'compile policies into generated/<namespace>/<policy>/ (--check: verify it is up to date)', load: () => import('./compile.js') },
  plan: { summary: 'say what merging the policies would change, in words and as a diff', load: () => import('./plan.js') },
  propose: { summary: 'open or update the pull request with the policies and generated files', load: () => import('./propose.js') },
  rollback: { summary: 'edit a policy so all traffic goes back to a retained version', load: () => import('./rollback.js') },
  promote: { summary: 'edit a policy so its candidate becomes stable', load: () => import('./promote.js') },
  advance: { summary: 'move the version one stage completed into the next stage, once its gates held over the soak (evidence from Prometheus)', load: () => import('./advance.js') },
  abort: { summary: 'edit a policy to remove its candidate; stable keeps serving', load: () => import('./abort.js') },
  pause: { summary: '(not a policy edit) how to hold a running release, and why', load: () => import('./pause.js') },
  simulate: { summary: 'replay a metrics scenario through a policy\'s rollout and gates', load: () => import('./simulate.js') },
  status: { summary: 'measure a policy\'s gates now with a live Prometheus: values, samples, verdicts', load: () => import('./status.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length), 8);
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `usage: modelgate <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'modelgate <command> --help' for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    // Imported here, so the entry point of the bundled bin loads no other file for --version.
    const { closestName } = await import('../validate/did-you-mean.js');
    const suggestion = closestName(name, Object.keys(commands));
    process.stderr.write(`modelgate: unknown command '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}\n\n${usage()}`);
    return 2;
  }
  await keepCompiledCode();
  return (await command.load()).run(rest);
}

/**
 * Node keeps V8's code for the modules a command loads between runs (`module.enableCompileCache`,
 * Node 22.8 and later), so the next run does not parse and compile them again: validate of one
 * policy 10 to 30 ms CPU less (three rounds of measurement). In the user's own cache folder: Node's default is the shared tmp folder,
 * where another user could plant code. Without a cache folder, or where it cannot be made, every
 * run compiles as before.
 */
async function keepCompiledCode(): Promise<void> {
  const { cacheFolder } = await import('../cache-folder.js');
  const folder = cacheFolder();
  if (!folder) return;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  (nodeModule as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache?.(join(folder, 'node-compile-cache'));
}

main(process.argv.slice(2)).then(
  (code) => exitWhenWritten(code),
  (error: unknown) => {
    // Anything reaching here is a bug in modelgate, never the user's fault: say so without a stack.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`modelgate: internal error: ${message}\nPlease report this with the command and policy that caused it.\n`);
    if (process.env.MODELGATE_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exitCode = 2;
  },
);

/**
 * Exit once what the command wrote to stdout and stderr is out, not when the event loop drains:
 * by then V8 has often begun a full garbage collection of the heap the run grew (the validators'
 * and the build's code), and Node finishes it before exiting, ~35 ms CPU of a one-policy compile
 * (measured by the process's rusage) spent on memory the process is about to hand back. The
 * compile cache is flushed first, so the next run finds this run's modules however Node exits.
 * Every command has awaited its own work by the time `main` resolves.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.();
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
