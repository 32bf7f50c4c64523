/** `modelgate validate`: check release policies and report every problem at its line and column. */
import { hasErrors } from '../diagnostics/diagnostic.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, summaryLine, type DiagnosticFormat } from '../diagnostics/format.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { readProfileFile } from '../load/profile-file.js';
import { validateSources } from '../validate/validate.js';
import { readCommandLine, usageError } from './command-line.js';

const HELP = `usage: modelgate validate [PATH…] [--format human|json|github]

Check release policies (files, or folders searched for *.yaml and *.yml; default: policies/)
against the ReleasePolicy schema and modelgate's rules.

  --format F   human (default), json (an array of {file, line, column, severity, rule,
               message, hint}) or github (workflow annotations on the pull request)

exit status: 0 every policy is valid (warnings allowed); 1 a policy is invalid;
2 usage error or a file that cannot be read.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ format: DiagnosticFormat }>('validate', argv, HELP, { format: { type: 'string', default: 'human' } }, { format: DIAGNOSTIC_FORMATS });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  const format = values.format;
  let files;
  let profile;
  try {
    files = await readPolicyFiles(positionals.length > 0 ? positionals : ['policies/']);
    profile = await readProfileFile('.');
  } catch (error) {
    if (error instanceof UsageError) return usageError('validate', error.message);
    throw error;
  }
  if (files.length === 0) return usageError('validate', `no policy files (*.yaml, *.yml) in ${positionals.join(' ') || 'policies/'}`);
  const { diagnostics } = validateSources(files, profile);
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (format === 'human') process.stdout.write(summaryLine(diagnostics, files.length));
  return hasErrors(diagnostics) ? 1 : 0;
}
