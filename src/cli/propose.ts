/** `modelgate propose`: open (or update) the pull request that brings generated/ in line with the policies. */
import { planBaseFor } from '../gitops/git.js';
import { proposeAndReport } from '../gitops/propose-command.js';
import { UsageError } from '../load/discover.js';
import { enterProjectRoot, PROJECT_ROOT_HELP } from '../load/project-root.js';
import { readCommandLine, usageError } from './command-line.js';

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

${PROJECT_ROOT_HELP}
exit status: 0 proposed or nothing to propose; 1 invalid policies; 2 usage, git or GitHub error.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ repo?: string; base: string; out?: string }>('propose', argv, HELP, {
    repo: { type: 'string' },
    base: { type: 'string', default: 'main' },
    out: { type: 'string' },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  let project;
  try {
    project = enterProjectRoot(line.positionals);
  } catch (error) {
    if (error instanceof UsageError) return usageError('propose', error.message);
    throw error;
  }
  const policyPaths = line.positionals.length > 0 ? line.positionals.map(project.typed) : ['policies/'];
  const outDir = values.out === undefined ? 'generated' : project.typed(values.out);
  const base = await planBaseFor(values.base, process.cwd());
  return proposeAndReport({ repository: values.repo, base, baseBranch: values.base, outDir, policyPaths }, null, 'propose');
}
