/** `modelgate schema`: print the ReleasePolicy JSON Schema, for editors and other tools. */
import { policySchemaText } from '../validate/policy-schema.js';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: modelgate schema\n\nPrint the ReleasePolicy JSON Schema (draft 2020-12) that `validate` checks against.\n');
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`modelgate schema: unexpected argument '${argv[0]}'\nRun 'modelgate schema --help' for usage.\n`);
    return 2;
  }
  const text = policySchemaText();
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
