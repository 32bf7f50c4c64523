/**
 * metadata.name and namespace become Kubernetes object names and the output folder
 * `generated/<namespace>/<name>/`, so both must be DNS-1123 labels — which also rules out `..`,
 * `/` and anything else that could write outside that folder.
 */
import { CANARY_SERVICE_SUFFIX } from '../names.js';
import { isDns1123Label, suggestDnsLabel } from '../validate/dns-name.js';
import type { Rule } from './rule.js';

export const kubernetesNames: Rule = {
  id: 'kubernetes-names',
  description: 'metadata.name and metadata.namespace are DNS-1123 labels (lowercase letters, digits, dashes; at most 63); the name, also the Service name, starts with a letter and leaves room for `-canary`.',
  severity: 'error',
  check({ policy, report }) {
    for (const [key, value] of [['name', policy.name], ['namespace', policy.namespace]] as const) {
      if (isDns1123Label(value)) {
        // The name is also the Service's, and Services need an RFC 1035 label: a letter first.
        if (key === 'name' && !/^[a-z]/.test(value)) {
          report({ path: ['metadata', key], message: `name \`${value}\` is also the Service name, which must start with a letter`, hint: `for example \`m-${value}\`` });
        } else if (key === 'name' && !isDns1123Label(`${value}${CANARY_SERVICE_SUFFIX}`)) {
          // The canary Service is `<name>-canary`, and a Service name is at most 63 characters.
          report({ path: ['metadata', key], message: `name \`${value}\` is too long for its canary Service \`${value}${CANARY_SERVICE_SUFFIX}\` (at most 63 characters)`, hint: `use at most ${63 - CANARY_SERVICE_SUFFIX.length} characters` });
        }
        continue;
      }
      const suggestion = suggestDnsLabel(value);
      report({
        path: ['metadata', key],
        message: `${key} \`${value}\` is not a valid Kubernetes name: use lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63`,
        ...(suggestion ? { hint: `for example \`${suggestion}\`` } : {}),
      });
    }
  },
};
