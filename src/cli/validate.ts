/** `modelgate validate`: check release policies and report every problem at its line and column. */
import { releaseChecks } from '../compile/release-checks.js';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { previousOutputIn } from '../emit/previous-output.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, summaryLine, type DiagnosticFormat } from '../diagnostics/format.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { readProfileFile } from '../load/profile-file.js';
import { enterProjectRoot, PROJECT_ROOT_HELP } from '../load/project-root.js';
import { validateSources } from '../validate/validate.js';
import { readCommandLine, usageError } from './command-line.js';

const HELP = `usage: modelgate validate [PATH…] [--format human|json|github] [--out DIR]

Check release policies (files, or folders searched for *.yaml and *.yml; default: policies/
at the project root)
against the ReleasePolicy schema and modelgate's rules, and against the release running now
(the output in DIR, default generated) with the same checks compile and plan run, so the three
reach one verdict.

  --format F   human (default), json (an array of {file, line, column, severity, rule,
               message, hint}) or github (workflow annotations on the pull request)
  --out DIR    the generated output the running release was compiled into (default: generated)

${PROJECT_ROOT_HELP}
exit status: 0 every policy is valid (warnings allowed); 1 a policy is invalid;
2 usage error, a file that cannot be read, or no project root.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ format: DiagnosticFormat; out?: string }>('validate', argv, HELP, { format: { type: 'string', default: 'human' }, out: { type: 'string' } }, { format: DIAGNOSTIC_FORMATS });
  if (typeof line === 'number') return line;
  const { values } = line;
  const format = values.format;
  let files;
  let profile;
  let positionals;
  let outDir;
  try {
    const { typed } = enterProjectRoot(line.positionals);
    positionals = line.positionals.map(typed);
    outDir = values.out === undefined ? 'generated' : typed(values.out);
    files = await readPolicyFiles(positionals.length > 0 ? positionals : ['policies/']);
    profile = await readProfileFile('.');
  } catch (error) {
    if (error instanceof UsageError) return usageError('validate', error.message);
    throw error;
  }
  if (files.length === 0) return usageError('validate', `no policy files (*.yaml, *.yml) in ${positionals.join(' ') || 'policies/'}`);
  const validated = validateSources(files, profile);
  const checks = releaseChecks(previousOutputIn(outDir));
  const diagnostics = sortDiagnostics([...validated.diagnostics, ...validated.policies.flatMap((policy) => checks.flatMap((check) => check(policy)))]);
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (format === 'human') process.stdout.write(summaryLine(diagnostics, files.length));
  return hasErrors(diagnostics) ? 1 : 0;
}
