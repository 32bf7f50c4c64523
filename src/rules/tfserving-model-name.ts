/**
 * The TF Serving model name appears in its model config, in the REST path `/v1/models/<name>`
 * and in gRPC ModelSpecs. The REST handler takes the name up to the next `/` or `:`, so `a/b`
 * is unreachable over REST (tensorflow/serving#1726); letters, digits, `_`, `-` and `.` (not
 * first) work everywhere.
 */
import type { Rule } from './rule.js';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const tfservingModelName: Rule = {
  id: 'tfserving-model-name',
  description: 'model.name uses only letters, digits, `_`, `-` and `.`, starting with a letter or digit, so TF Serving configs, REST paths and gRPC clients agree.',
  severity: 'error',
  check({ policy, report }) {
    const name = policy.model.name;
    if (MODEL_NAME.test(name)) return;
    report({
      path: ['spec', 'model', 'name'],
      message: `model name \`${name}\` cannot be used by TF Serving clients: use letters, digits, \`_\`, \`-\` and \`.\`, starting with a letter or digit`,
      hint: `for example \`${name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'my_model'}\``,
    });
  },
};
