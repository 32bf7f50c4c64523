/** `modelgate compile`: policies → generated/<namespace>/<policy>/, or `--check` that it is up to date. */
import { isAbsolute, relative, resolve } from 'node:path';
import { runCompile } from '../compile/run.js';
import { changeDiagnostics } from '../emit/change-diagnostics.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, type DiagnosticFormat } from '../diagnostics/format.js';
import { OutputTreeError } from '../emit/tree-error.js';
import { assertSafeOutputDir } from '../emit/write.js';
import { UsageError } from '../load/discover.js';
import { enterProjectRoot, POLICY_FOLDER, PROJECT_ROOT_HELP } from '../load/project-root.js';
import { readCommandLine, usageError } from './command-line.js';

const HELP = `usage: modelgate compile [PATH…] [--out DIR] [--check] [--format human|json|github]

Compile release policies (default PATH: policies/) into DIR/<namespace>/<policy>/ (default DIR:
generated): Istio, Argo Rollouts, Prometheus and TF Serving files plus a kustomization.yaml.
Each policy folder is written whole or not at all, and only when its policy changed; files
modelgate wrote that no policy produces any more are removed; files without a modelgate header
are never touched. One run at a time: a second run waits for the first.

  --out DIR      output folder (default: generated)
  --check        write nothing; list every file that is missing, out of date, edited by hand
                 or no longer produced
  --format F     diagnostics as human (default), json or github (workflow annotations)

${PROJECT_ROOT_HELP}
exit status: 0 written / up to date; 1 invalid policies, or (--check) output differs;
2 usage or file-system error, or an internal error (a modelgate bug: nothing is written).
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ out?: string; check: boolean; format: DiagnosticFormat }>(
    'compile',
    argv,
    HELP,
    { out: { type: 'string' }, check: { type: 'boolean', default: false }, format: { type: 'string', default: 'human' } },
    { format: DIAGNOSTIC_FORMATS },
  );
  if (typeof line === 'number') return line;
  const { values } = line;
  const format = values.format;
  let shownOut = values.out ?? 'generated';

  try {
    const { root, typed } = enterProjectRoot(line.positionals);
    const paths = line.positionals.length > 0 ? line.positionals.map(typed) : [`${POLICY_FOLDER}/`];
    shownOut = values.out === undefined ? 'generated' : typed(values.out);
    const outDir = resolve(shownOut);
    assertSafeOutputDir(outDir, [process.cwd(), ...paths]);
    // Output inside the policy folder would be read back as policies on the next run.
    if (isInside(outDir, resolve(POLICY_FOLDER))) return usageError('compile', `output folder ${shownOut} is inside ${POLICY_FOLDER}/; compiled files go beside it, e.g. --out generated`);
    const result = await runCompile({ paths, outDir, root, mode: values.check ? 'check' : 'write', onWait: (message) => process.stderr.write(`modelgate: ${message}\n`) });
    if (result.internalError || hasErrors(result.diagnostics)) {
      report(result.diagnostics, format);
      process.stderr.write(`modelgate: ${result.internalError ? 'internal error' : 'invalid policies'}; nothing was written\n`);
      return result.internalError ? 2 : 1;
    }
    const changes = changeDiagnostics(result.changes, shownOut, values.check ? 'error' : 'warning');
    if (result.blocked.length > 0 && !values.check) {
      report(result.diagnostics, format);
      return usageError('compile', `hand-written files (no modelgate header) are where modelgate would write; move them away: ${result.blocked.join(', ')}`);
    }
    report([...result.diagnostics, ...changes.filter((d) => values.check || d.rule === 'output-edited-by-hand')], format);
    if (values.check) {
      process.stderr.write(result.changes.length === 0 ? `${shownOut}/ is up to date\n` : `${shownOut}/ differs from the policies in ${result.changes.length} file(s); run 'modelgate compile'\n`);
      return result.changes.length === 0 ? 0 : 1;
    }
    process.stderr.write(result.written ? `wrote ${shownOut}/ (${result.changes.length} file(s) changed)\n` : `${shownOut}/ is up to date\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof OutputTreeError) return usageError('compile', error.message);
    if (isFileSystemError(error)) return usageError('compile', `cannot write ${shownOut}: ${(error as Error).message}`);
    throw error;
  }
}

function report(diagnostics: Diagnostic[], format: DiagnosticFormat): void {
  if (diagnostics.length === 0 && format !== 'json') return;
  process.stdout.write(formatDiagnostics(sortDiagnostics(diagnostics), format));
}

function isInside(file: string, folder: string): boolean {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function isFileSystemError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.code === 'string' && typeof (error as NodeJS.ErrnoException)?.syscall === 'string';
}
