import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rules } from '../src/rules/index.js';
import { validateSources } from '../src/validate/validate.js';
import { cliMain } from './security/run-cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every rule in its rules table', () => {
    const table = readme.slice(readme.indexOf('## Rules'), readme.indexOf('## Security'));
    for (const rule of rules) expect(table, rule.id).toContain(`| \`${rule.id}\` |`);
  });

  it('documents every command the CLI offers', () => {
    const help = execFileSync(process.execPath, [cliMain, '--help'], { encoding: 'utf8' });
    const commands = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(5);
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## What a policy compiles into'));
    for (const command of commands) expect(table, command).toContain(`modelgate ${command}`);
  });

  it('documents every field of the platform profile, with its default', async () => {
    const { profileSchemaDocument } = await import('../src/validate/profile-schema.js');
    const { DEFAULT_PLATFORM } = await import('../src/resolve/platform.js');
    const table = readme.slice(readme.indexOf('## The platform profile'), readme.indexOf('## Commands'));
    const spec = (profileSchemaDocument.schema().properties as any).spec.properties as Record<string, { properties?: Record<string, unknown> }>;
    for (const [key, node] of Object.entries(spec)) {
      const fields = node.properties && key !== 'defaultResources' ? Object.keys(node.properties).map((field) => `${key}.${field}`) : [key === 'gateways' || key === 'images' || key === 'modelStorage' ? `${key}[]` : key];
      for (const field of fields) expect(table, field).toContain(`| \`${field}\` |`);
    }
    expect(table).toContain(`| \`${DEFAULT_PLATFORM.prometheus.url}\` |`);
    expect(table).toContain(`| \`${DEFAULT_PLATFORM.defaultImage}\` |`);
  });

  it('opens with the set-up-and-run command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toContain('npm ci');
    expect(firstBlock).toContain('modelgate compile');
    expect(firstBlock).toMatch(/^npm test\b/m);
    // What CI runs, said where a newcomer looks first, and true of .ci/run.
    expect(firstBlock).toMatch(/^LONG=1 npm test\b.*CI runs/m);
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/^LONG=1 npm test$/m);
  });

  it('shows a complete gates block that validates in the minimal policy, with every field the schema has', () => {
    const minimal = /## A policy[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const gates = /A complete `gates` block[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    // Its drift gate needs the score exporter and PodMonitor of the profile the README shows for it.
    const profile = /A profile for the\s+`churn_score` gate above:\s+```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const { policies, diagnostics } = validateSources(
      [{ file: 'churn-scorer.yaml', bytes: new TextEncoder().encode(minimal + gates) }],
      { file: 'modelgate.config.yaml', bytes: new TextEncoder().encode(profile) },
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(policies).toHaveLength(1);
    const schema = JSON.parse(readFileSync(new URL('../schemas/release-policy.schema.json', import.meta.url), 'utf8'));
    const written = Object.keys((parse(gates) as { gates: object }).gates).sort();
    expect(written).toEqual(Object.keys(schema.$defs.gates.properties).sort());
  });
});
