/**
 * Diagnostics as people and machines read them: `human` for a terminal, `json` for tools,
 * `github` for annotations on the pull request's changed lines.
 */
import type { Diagnostic } from './diagnostic.js';
import path from 'node:path';
import { workflowCommand } from './github-command.js';

export type DiagnosticFormat = 'human' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['human', 'json', 'github'];

export function formatDiagnostics(diagnostics: Diagnostic[], format: DiagnosticFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(diagnostics.map(asJson), null, 2)}\n`;
    case 'github':
      return diagnostics.map(asGithub).join('');
    case 'human':
      return asHumanCapped(diagnostics);
  }
}

/** A person reads the first findings of a file, not 20,000 of them; json and github keep every one. */
export const HUMAN_DIAGNOSTICS_PER_FILE = 100;

/** Each file's first 100 diagnostics, then one line counting the rest, right after that file's last shown one. */
function asHumanCapped(diagnostics: readonly Diagnostic[]): string {
  const perFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = perFile.get(d.file);
    if (list) list.push(d);
    else perFile.set(d.file, [d]);
  }
  let out = '';
  for (const [file, list] of perFile) {
    out += list.slice(0, HUMAN_DIAGNOSTICS_PER_FILE).map(asHuman).join('');
    const rest = list.slice(HUMAN_DIAGNOSTICS_PER_FILE);
    if (rest.length === 0) continue;
    const errors = rest.filter((d) => d.severity === 'error').length;
    out += `${file}: ${rest.length} more (${errors} error${errors === 1 ? '' : 's'}, ${rest.length - errors} other) not shown; --format json lists every one\n`;
  }
  return out;
}

/** Fixed key order, and `hint` always present, so consumers can rely on the shape. */
function asJson(d: Diagnostic) {
  return { file: d.file, line: d.line, column: d.column, severity: d.severity, rule: d.rule, message: d.message, hint: d.hint ?? null };
}

function asGithub(d: Diagnostic): string {
  const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
  return `${workflowCommand(d.severity, { file: annotationPath(d.file), line: d.line, col: d.column, title: d.rule }, message)}\n`;
}

/**
 * GitHub places an annotation by its path from the repository's root, the workspace; paths here
 * are from the project root, which for a project nested in the repository lies below it.
 */
function annotationPath(file: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace || path.isAbsolute(file)) return file;
  const fromWorkspace = path.relative(workspace, path.resolve(file));
  return fromWorkspace.startsWith('..') || path.isAbsolute(fromWorkspace) ? file : fromWorkspace.split(path.sep).join('/');
}

function asHuman(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} [${d.rule}] ${d.message}\n${d.hint ? `    hint: ${d.hint}\n` : ''}`;
}

/** `2 errors, 1 warning in 4 files`. */
export function summaryLine(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(fileCount, 'file')}\n`;
}
