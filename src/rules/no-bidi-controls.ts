/**
 * No Unicode bidirectional controls anywhere in a policy. They reorder how text is displayed, so
 * a reviewer reading the policy or the generated manifests (an image, a path, a URL) could see
 * something other than what the cluster gets (the "Trojan Source" attack, CVE-2021-42574).
 */
import type { Rule, YamlPath } from './rule.js';

/** Arabic letter mark, LRM/RLM, embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export const noBidiControls: Rule = {
  id: 'no-bidi-controls',
  description: 'Keys and values contain no Unicode bidirectional control characters, which would make reviewers read something other than what is deployed.',
  severity: 'error',
  check({ source, report }) {
    const visit = (value: unknown, path: YamlPath): void => {
      if (typeof value === 'string') {
        const found = BIDI.exec(value);
        if (found) {
          const codePoint = `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
          report({ path, message: `text contains the invisible bidirectional control ${codePoint}, which changes how it is displayed to reviewers`, hint: 'delete it; retype the text if you cannot see where it is' });
        }
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => visit(item, [...path, index]));
      } else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          visit(key, [...path, key]);
          visit(item, [...path, key]);
        }
      }
    };
    visit(source.data, []);
  },
};
