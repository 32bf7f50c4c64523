import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnostics, summaryLine } from '../../src/diagnostics/format.js';

const error: Diagnostic = { file: 'policies/a,b:c.yaml', line: 3, column: 5, severity: 'error', rule: 'schema', message: '50% of\r\nusers: bad', hint: 'write 5%' };
const warning: Diagnostic = { file: 'p.yaml', line: 1, column: 1, severity: 'warning', rule: 'gates-consistent', message: 'x' };

describe('formatDiagnostics', () => {
  it('github: escapes data and properties as the Actions toolkit does, warnings as ::warning', () => {
    expect(formatDiagnostics([error, warning], 'github')).toBe(
      '::error file=policies/a%2Cb%3Ac.yaml,line=3,col=5,title=schema::50%25 of%0D%0Ausers: bad%0Awrite 5%25\n' +
        '::warning file=p.yaml,line=1,col=1,title=gates-consistent::x\n',
    );
  });

  it('json: an array of {file,line,column,severity,rule,message,hint} with hint null when absent', () => {
    expect(JSON.parse(formatDiagnostics([error, warning], 'json'))).toEqual([
      { file: 'policies/a,b:c.yaml', line: 3, column: 5, severity: 'error', rule: 'schema', message: '50% of\r\nusers: bad', hint: 'write 5%' },
      { file: 'p.yaml', line: 1, column: 1, severity: 'warning', rule: 'gates-consistent', message: 'x', hint: null },
    ]);
    expect(formatDiagnostics([], 'json')).toBe('[]\n');
  });

  it('human: file:line:col, severity, rule and message, with the hint indented below', () => {
    expect(formatDiagnostics([warning, { ...error, message: 'bad' }], 'human')).toBe(
      'p.yaml:1:1: warning [gates-consistent] x\npolicies/a,b:c.yaml:3:5: error [schema] bad\n    hint: write 5%\n',
    );
  });

  it('summary line counts errors, warnings and files', () => {
    expect(summaryLine([error, warning, error], 1)).toBe('2 errors, 1 warning in 1 file\n');
  });
});

describe('human output per file', () => {
  it('shows the first 100 diagnostics of each file and counts the rest; json keeps all', () => {
    const many = (file: string, count: number): Diagnostic[] => Array.from({ length: count }, (_, i) => ({ ...warning, file, line: i + 1, severity: i % 2 ? 'warning' : 'error' }));
    const diagnostics = [...many('a.yaml', 103), ...many('b.yaml', 100)];
    const lines = formatDiagnostics(diagnostics, 'human').trimEnd().split('\n');
    expect(lines).toHaveLength(201);
    expect(lines[99]).toBe('a.yaml:100:1: warning [gates-consistent] x');
    expect(lines[100]).toBe('a.yaml: 3 more (2 errors, 1 other) not shown; --format json lists every one');
    expect(lines[200]).toBe('b.yaml:100:1: warning [gates-consistent] x');
    expect(JSON.parse(formatDiagnostics(diagnostics, 'json'))).toHaveLength(203);
  });
});
