/**
 * The GitHub Action's entry point, bundled into `action/dist/index.mjs` (`npm run action:build`),
 * so a job runs modelgate on the runner's own Node without `npm ci` or a build. It reads its
 * inputs as the runner passes them (`INPUT_<NAME>` environment variables) and runs the commands
 * validate.yml runs, in-process, with `--format github`: findings become annotations on the
 * pull request's lines.
 */
import { workflowCommand } from '../diagnostics/github-command.js';

type Run = (argv: string[]) => Promise<number>;

const COMMANDS = ['check', 'validate', 'compile', 'propose'] as const;

/** An input as the runner sets it: `INPUT_` and the name in upper case, spaces as underscores. */
function input(name: string, fallback: string): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

async function main(): Promise<number> {
  const command = input('command', 'check');
  // Several paths, one per line or separated by spaces, as the workflow's YAML is easiest to write.
  const paths = input('policies', 'policies/').split(/\s+/).filter(Boolean);
  const out = input('out', 'generated');
  // Every command moves to the project root; each starts again from the workspace, where the
  // paths were written.
  const workspace = process.cwd();
  const inWorkspace = async (run: Run, argv: string[]): Promise<number> => {
    process.chdir(workspace);
    return run(argv);
  };
  switch (command as (typeof COMMANDS)[number]) {
    case 'check': {
      const validate = await inWorkspace((await import('../cli/validate.js')).run, ['--format', 'github', '--out', out, ...paths]);
      if (validate !== 0) return validate;
      return inWorkspace((await import('../cli/compile.js')).run, ['--check', '--format', 'github', '--out', out, ...paths]);
    }
    case 'validate':
      return inWorkspace((await import('../cli/validate.js')).run, ['--format', 'github', '--out', out, ...paths]);
    case 'compile':
      return inWorkspace((await import('../cli/compile.js')).run, ['--format', 'github', '--out', out, ...paths]);
    case 'propose':
      // Only this command reads the token, and only from its own input.
      process.env.GITHUB_TOKEN = input('token', '');
      return inWorkspace((await import('../cli/propose.js')).run, ['--base', input('base', 'main'), '--out', out, ...paths]);
    default:
      process.stdout.write(`${workflowCommand('error', { title: 'modelgate' }, `unknown command '${command}' (${COMMANDS.join(', ')})`)}\n`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stdout.write(`${workflowCommand('error', { title: 'modelgate' }, `internal error: ${(error as Error)?.message ?? String(error)}`)}\n`);
    process.exitCode = 2;
  },
);
