/** `modelgate compile`: policies → generated/<namespace>/<policy>/, or `--check` that it is up to date. */
import { dirname, relative, resolve } from 'node:path';
import { compileSources } from '../compile/compile.js';
import { changeDiagnostics } from '../emit/change-diagnostics.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, type DiagnosticFormat } from '../diagnostics/format.js';
import { parseHeader } from '../emit/header.js';
import { scopeOf, syncOutput } from '../emit/sync.js';
import { readTree } from '../emit/tree.js';
import { OutputTreeError } from '../emit/tree-error.js';
import { assertSafeOutputDir, recoverInterruptedWrite } from '../emit/write.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { readCommandLine, usageError } from './command-line.js';

const HELP = `usage: modelgate compile [PATH…] [--out DIR] [--check] [--format human|json|github]

Compile release policies (default PATH: policies/) into DIR/<namespace>/<policy>/ (default DIR:
generated): Istio, Argo Rollouts, Prometheus and TF Serving files plus a kustomization.yaml.
All files of a run are written together or not at all; files modelgate wrote that no policy
produces any more are removed; files without a modelgate header are never touched.

  --out DIR      output folder (default: generated)
  --check        write nothing; list every file that is missing, out of date, edited by hand
                 or no longer produced
  --format F     diagnostics as human (default), json or github (workflow annotations)

exit status: 0 written / up to date; 1 invalid policies, or (--check) output differs;
2 usage or file-system error, or an internal error (a modelgate bug: nothing is written).
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ out: string; check: boolean; format: DiagnosticFormat }>(
    'compile',
    argv,
    HELP,
    { out: { type: 'string', default: 'generated' }, check: { type: 'boolean', default: false }, format: { type: 'string', default: 'human' } },
    { format: DIAGNOSTIC_FORMATS },
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  const format = values.format;
  const paths = positionals.length > 0 ? positionals : ['policies/'];
  const outDir = resolve(values.out);
  const sourceRoot = dirname(outDir);

  try {
    assertSafeOutputDir(outDir, [process.cwd(), ...paths]);
    // A run killed mid-swap parks the running tree beside outDir; the release checks need it back.
    if (!values.check) await recoverInterruptedWrite(outDir);
    const files = await readPolicyFiles(paths);
    // As `validate` does: an empty policy folder is a mistake in the call, never "all up to date".
    if (files.length === 0) return usageError('compile', `no policy files (*.yaml, *.yml) in ${paths.join(' ')}`);
    const existing = await readTree(outDir);
    const result = compileSources(files, {
      sourceRoot,
      previousOutput: (path) => {
        const file = existing.get(path);
        return file ? (parseHeader(file.bytes.toString('utf8'))?.body ?? null) : null;
      },
    });
    if (result.internalError || hasErrors(result.diagnostics)) {
      report(result.diagnostics, format);
      process.stderr.write(`modelgate: ${result.internalError ? 'internal error' : 'invalid policies'}; nothing was written\n`);
      return result.internalError ? 2 : 1;
    }
    const scope = scopeOf(paths.map((path) => relative(sourceRoot, resolve(path))));
    const sync = await syncOutput(outDir, result.files, scope, values.check ? 'check' : 'write', existing);
    const shownOut = relative(process.cwd(), outDir) || '.';
    const changes = changeDiagnostics(sync.changes, shownOut, values.check ? 'error' : 'warning');
    report([...result.diagnostics, ...changes.filter((d) => values.check || d.rule === 'output-edited-by-hand')], format);
    if (values.check) {
      process.stderr.write(sync.changes.length === 0 ? `${shownOut}/ is up to date\n` : `${shownOut}/ differs from the policies in ${sync.changes.length} file(s); run 'modelgate compile'\n`);
      return sync.changes.length === 0 ? 0 : 1;
    }
    process.stderr.write(sync.written ? `wrote ${shownOut}/ (${sync.changes.length} file(s) changed)\n` : `${shownOut}/ is up to date\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof OutputTreeError) return usageError('compile', error.message);
    if (isFileSystemError(error)) return usageError('compile', `cannot write ${values.out}: ${(error as Error).message}`);
    throw error;
  }
}

function report(diagnostics: Diagnostic[], format: DiagnosticFormat): void {
  if (diagnostics.length === 0 && format !== 'json') return;
  process.stdout.write(formatDiagnostics(sortDiagnostics(diagnostics), format));
}

function isFileSystemError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.code === 'string' && typeof (error as NodeJS.ErrnoException)?.syscall === 'string';
}
