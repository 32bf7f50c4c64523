/** `modelgate validate`: check release policies and report every problem at its line and column. */
import { parseArgs } from 'node:util';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, summaryLine, type DiagnosticFormat } from '../diagnostics/format.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { validateSources } from '../validate/validate.js';

const HELP = `usage: modelgate validate [PATH…] [--format human|json|github]

Check release policies (files, or folders searched for *.yaml and *.yml; default: policies/)
against the ReleasePolicy schema and modelgate's rules.

  --format F   human (default), json (an array of {file, line, column, severity, rule,
               message, hint}) or github (workflow annotations on the pull request)

exit status: 0 every policy is valid (warnings allowed); 1 a policy is invalid;
2 usage error or a file that cannot be read.
`;

export async function run(argv: string[]): Promise<number> {
  let values: { format: string; help: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'human' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }) as { values: typeof values; positionals: string[] });
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!(DIAGNOSTIC_FORMATS as readonly string[]).includes(values.format)) {
    return usageError(`--format must be human, json or github, not '${values.format}'`);
  }
  const format = values.format as DiagnosticFormat;
  let files;
  try {
    files = await readPolicyFiles(positionals.length > 0 ? positionals : ['policies/']);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
  if (files.length === 0) return usageError(`no policy files (*.yaml, *.yml) in ${positionals.join(' ') || 'policies/'}`);
  const { diagnostics } = validateSources(files);
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (format === 'human') process.stdout.write(summaryLine(diagnostics, files.length));
  return hasErrors(diagnostics) ? 1 : 0;
}

function usageError(message: string): number {
  process.stderr.write(`modelgate validate: ${message}\nRun 'modelgate validate --help' for usage.\n`);
  return 2;
}
