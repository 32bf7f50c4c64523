import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('no-bidi-controls', () => {
  it('reports a right-to-left override in a value, at its key, naming the code point', () => {
    expectDiagnostics(minimalPolicy().replace('basePath: /models/demo', 'basePath: "/models/\u202edemo"'), [
      { rule: 'no-bidi-controls', line: 8, column: 5, message: 'U+202E', hint: 'delete it' },
    ]);
  });

  it('reports an isolate in a free-text field', () => {
    expectDiagnostics(minimalPolicy('  dashboard:\n    folder: "Risk \u2066team"\n'), [{ rule: 'no-bidi-controls', line: 15, column: 5, message: 'U+2066' }]);
  });

  it('accepts other non-ASCII text', () => {
    expectValid(minimalPolicy().replace('basePath: /models/demo', 'basePath: "/models/modèle-日本"'));
  });
});
