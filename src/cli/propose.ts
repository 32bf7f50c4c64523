/** `modelgate propose`: open (or update) the pull request that brings generated/ in line with the policies. */
import { parseArgs } from 'node:util';
import { planBaseFor } from '../gitops/git.js';
import { proposeAndReport } from '../gitops/propose-command.js';

const HELP = `usage: modelgate propose [PATH…] [--repo OWNER/NAME] [--base BRANCH] [--out DIR]

Compile the policies (default PATH: policies/) and, if the result or the policies differ from
BRANCH (default: main) on GitHub, put them as one commit on a branch named after the change and
open a pull request — or update the one already open for that branch. Reviews are requested
from the policies' owners (users, and org/team as teams); the PR is labelled 'modelgate'.

environment:
  GITHUB_TOKEN       token with contents: write and pull-requests: write (required; never printed)
  GITHUB_API_URL     API root (default https://api.github.com)
  GITHUB_REPOSITORY  OWNER/NAME when --repo is not given
  MODELGATE_GITHUB_TIME_SCALE  multiplies retry, rate-limit and request-spacing waits (default 1;
                     tests use a small value)

exit status: 0 proposed or nothing to propose; 1 invalid policies; 2 usage, git or GitHub error.
`;

export async function run(argv: string[]): Promise<number> {
  let values: { repo?: string; base: string; out: string; help: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: 'string' },
        base: { type: 'string', default: 'main' },
        out: { type: 'string', default: 'generated' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }) as { values: typeof values; positionals: string[] });
  } catch (error) {
    process.stderr.write(`modelgate propose: ${(error as Error).message}\nRun 'modelgate propose --help' for usage.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const policyPaths = positionals.length > 0 ? positionals : ['policies/'];
  const base = await planBaseFor(values.base, process.cwd());
  return proposeAndReport({ repository: values.repo, base, baseBranch: values.base, outDir: values.out, policyPaths }, null, 'propose');
}
