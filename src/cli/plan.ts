/** `modelgate plan`: what merging the current policies would change, in words and as a diff. */
import { formatDiagnostics } from '../diagnostics/format.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { UsageError } from '../load/discover.js';
import { enterProjectRoot, PROJECT_ROOT_HELP } from '../load/project-root.js';
import { GitError, unifiedDiff } from '../gitops/git.js';
import { pullRequestBody } from '../gitops/pull-request-body.js';
import { planWorkspace } from '../gitops/workspace-plan.js';
import { provenanceLines } from '../gitops/provenance.js';
import { readCommandLine, usageError } from './command-line.js';

const HELP = `usage: modelgate plan [PATH…] [--base REF] [--format text|markdown] [--out DIR]

Compile the policies (default PATH: policies/) and compare the result with DIR (default:
generated) at REF (default: HEAD). Prints, per policy, what happens to traffic once the change
is merged, then the unified diff of the generated files. --format markdown prints the pull
request description instead.

${PROJECT_ROOT_HELP}
exit status: 0 planned (changed or not); 1 invalid policies; 2 usage or git error.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ base: string; format: 'text' | 'markdown'; out?: string }>(
    'plan',
    argv,
    HELP,
    { base: { type: 'string', default: 'HEAD' }, format: { type: 'string', default: 'text' }, out: { type: 'string' } },
    { format: ['text', 'markdown'] },
  );
  if (typeof line === 'number') return line;
  const { values } = line;
  try {
    const { typed } = enterProjectRoot(line.positionals);
    const positionals = line.positionals.map(typed);
    const outDir = values.out === undefined ? 'generated' : typed(values.out);
    const planned = await planWorkspace({ base: values.base, outDir, policyPaths: positionals.length > 0 ? positionals : ['policies/'] });
    if (!planned.ok) {
      process.stdout.write(formatDiagnostics(sortDiagnostics(planned.build.diagnostics), 'human'));
      process.stderr.write('modelgate plan: invalid policies; nothing to plan\n');
      return planned.build.internalError ? 2 : 1;
    }
    const { plan } = planned;
    if (values.format === 'markdown') {
      process.stdout.write(pullRequestBody(plan, null));
      return 0;
    }
    if (plan.files.length === 0) {
      process.stdout.write(`no changes: ${outDir}/ at ${values.base} already matches the policies\n`);
      return 0;
    }
    for (const entry of plan.policies) {
      const { headline, callouts, rows } = entry.change;
      const changes = rows.map((row) => `${row.field}: ${row.before} → ${row.after} (${row.change})`);
      const facts = [...entry.exposure, ...(entry.policy ? provenanceLines(entry.policy) : [])];
      process.stdout.write(
        `${entry.title}: ${headline}\n${callouts.map((line) => `  ! ${line}\n`).join('')}${changes.map((line) => `  * ${line}\n`).join('')}${facts.map((line) => `  - ${line}\n`).join('')}`,
      );
    }
    process.stdout.write(`\n${await unifiedDiff(plan.before, plan.after)}`);
    return 0;
  } catch (error) {
    if (error instanceof GitError || error instanceof UsageError) return usageError('plan', error.message);
    throw error;
  }
}
