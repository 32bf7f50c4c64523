/**
 * `modelgate schema`: print the ReleasePolicy JSON Schema, or write it where the policies'
 * `# yaml-language-server: $schema=../schemas/release-policy.schema.json` line looks for it, so a
 * repository that adopts modelgate gets editor completion without copying the file by hand.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { policySchemaText } from '../validate/policy-schema.js';
import { UsageError } from '../load/discover.js';
import { enterProjectRoot } from '../load/project-root.js';
import { readCommandLine, usageError } from './command-line.js';

export const SCHEMA_FILE = 'schemas/release-policy.schema.json';

const HELP = `usage: modelgate schema [--write [--to FILE]]

Print the ReleasePolicy JSON Schema (draft 2020-12) that \`validate\` checks against.

  --write     write it to FILE instead (default: ${SCHEMA_FILE} at the project root, where the
              '# yaml-language-server: $schema=../${SCHEMA_FILE}' line of a policy in
              policies/ points); run it again after upgrading modelgate
  --to FILE   where --write writes
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ write: boolean; to?: string }>('schema', argv, HELP, { write: { type: 'boolean', default: false }, to: { type: 'string' } });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length > 0) return usageError('schema', `unexpected argument '${positionals[0]}'`);
  if (values.to !== undefined && !values.write) return usageError('schema', '--to goes with --write');
  const raw = policySchemaText();
  const text = raw.endsWith('\n') ? raw : `${raw}\n`;
  if (!values.write) {
    process.stdout.write(text);
    return 0;
  }
  const file = values.to ?? SCHEMA_FILE;
  // The default lands at the project root, where the policies' `../schemas/` line points; outside
  // any project (an adopter about to create policies/) it lands here.
  if (values.to === undefined) {
    try {
      enterProjectRoot([]);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
  }
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Beside the target, then rename: an editor never reads half a schema.
    writeFileSync(`${file}.modelgate-tmp`, text);
    renameSync(`${file}.modelgate-tmp`, file);
  } catch (error) {
    return usageError('schema', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  process.stderr.write(`wrote ${file}\n`);
  return 0;
}
