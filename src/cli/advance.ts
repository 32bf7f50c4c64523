/**
 * `modelgate advance POLICY --to STAGE`: move the version the previous stage completed into STAGE,
 * once that stage's gates held over its soak (read from Prometheus), as a policy edit and, with
 * --propose, a pull request carrying the evidence.
 */
import { formatDiagnostics } from '../diagnostics/format.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { advanceSummary, advanceText, checkAdvance } from '../gitops/advance.js';
import { planBaseFor } from '../gitops/git.js';
import { proposeAndReport, proposeTarget } from '../gitops/propose-command.js';
import { policyToEdit, RELEASE_FLAGS, replaceFile } from '../gitops/release-command.js';
import { instantQuery, PrometheusError } from '../status/prometheus-api.js';
import { notGreen, soakEvidence } from '../status/soak.js';
import { formatSoak } from '../status/soak-report.js';
import { validateSources } from '../validate/validate.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT } from './policy-argument.js';
import { evaluationTime, isHttpUrl } from './status.js';

const HELP = `usage: modelgate advance POLICY --to STAGE [--prometheus URL] [--time T] [--propose] [--repo OWNER/NAME] [--base BRANCH]

POLICY is its file, its name, or namespace/name. Its spec.stages say which stage comes before
STAGE; the version that stage completed (its stable, with no candidate left) becomes STAGE's
candidate, but only when that stage's gates passed every measurement over its soak
(canary.soak), as Prometheus has them: the release of the version against the one it replaced
(its first previous version), in the stage's namespace, over the soak window ending at T.
Prints the evidence per gate; edits POLICY in place (comments and layout kept) and recompiles
generated/; --propose opens the pull request, the evidence in its description.

  --to STAGE        the stage the version enters (not the first)
  --prometheus URL  Prometheus to ask (default: spec.prometheus.url of modelgate.config.yaml)
  --time T          the soak ended at T (RFC 3339 or Unix seconds; default: now)
  --propose, --repo, --base, --out, --policies: as for promote

exit status: 0 advanced (and proposed); 1 refused (stage not completed, no soak, a gate not green
over the soak) and nothing edited; 2 usage error or invalid policy; 3 Prometheus could not be asked.
`;

const QUERY_TIMEOUT_MS = 30_000;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ to?: string; prometheus?: string; time?: string; propose: boolean; repo?: string; base: string; out?: string; policies?: string }>('advance', argv, HELP, {
    to: { type: 'string' },
    prometheus: { type: 'string' },
    time: { type: 'string' },
    ...RELEASE_FLAGS,
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('advance', `name exactly one policy (${POLICY_ARGUMENT})`);
  if (values.to === undefined) return usageError('advance', 'say which stage the version enters: --to STAGE');
  // The soak ends now unless told otherwise: the one place modelgate reads the clock, as `status` lets the server do.
  const endSeconds = values.time === undefined ? Math.floor(Date.now() / 1000) : evaluationTime(values.time);
  if (Number.isNaN(endSeconds)) return usageError('advance', `--time must be RFC 3339 (2026-03-01T12:00:00Z) or Unix seconds, not '${values.time}'`);
  if (values.prometheus !== undefined && !isHttpUrl(values.prometheus)) return usageError('advance', `--prometheus must be an http(s) URL, not '${values.prometheus}'`);
  if (values.propose) {
    const target = proposeTarget(values.repo);
    if ('error' in target) return usageError('advance', `${target.error}; nothing was edited`);
  }

  const target = await policyToEdit('advance', positionals[0]!, values);
  if (typeof target === 'number') return target;
  const { file, bytes, mode, profile, policyDir, outDir } = target;
  const before = validateSources([{ file, bytes }], profile);
  if (before.policies.length === 0 || hasErrors(before.diagnostics)) {
    process.stdout.write(formatDiagnostics(before.diagnostics, 'human'));
    return usageError('advance', `${file} does not validate; fix it first`);
  }
  const check = checkAdvance(before.policies.map(({ policy }) => policy), values.to);
  if (!check.ok) return refuse(`${check.refusal}\n  hint: ${check.hint}`);
  const { advance } = check;
  const url = values.prometheus ?? advance.from.platform.prometheus.url;
  let evidence;
  try {
    evidence = await soakEvidence(advance.released, advance.soakSeconds, endSeconds, (expr, timeSeconds) => instantQuery({ url, timeSeconds, timeoutMs: QUERY_TIMEOUT_MS }, expr));
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    process.stderr.write(`modelgate advance: ${error.message}\n`);
    return 3;
  }
  const fromStage = advance.from.stage!.name;
  process.stdout.write(formatSoak(evidence, fromStage));
  const failing = notGreen(evidence);
  if (failing.length > 0) {
    return refuse(`version ${advance.version} does not enter ${values.to}: in ${fromStage} gate ${failing.map((gate) => gate.limit).join(', ')} did not pass every measurement of the soak\n  hint: find out why (modelgate status ${advance.from.name} --stage ${fromStage}); a later release that soaks green can advance`);
  }
  const source = before.policies[0]!.source;
  const text = advanceText(source.text, source.doc, advance);
  if (text === undefined) return refuse('the edit could not be written without changing other values of the file; edit it by hand');
  const after = validateSources([{ file, bytes: new TextEncoder().encode(text) }], profile);
  if (hasErrors(after.diagnostics)) {
    process.stdout.write(formatDiagnostics(after.diagnostics, 'human'));
    return refuse(`the advance would leave ${file} invalid, so it was not made`);
  }
  await replaceFile(file, text, mode);
  const summary = advanceSummary(advance);
  process.stdout.write(`${file}: ${summary}\n`);
  const compiled = await (await import('./compile.js')).run([policyDir, '--out', outDir]);
  if (compiled !== 0 || !values.propose) return compiled;
  return proposeAndReport(
    { repository: values.repo, base: await planBaseFor(values.base, process.cwd()), baseBranch: values.base, outDir, policyPaths: [policyDir] },
    { action: 'advance', summary, servingAfter: advance.to.versions.stable, policy: `${advance.to.namespace}/${advance.to.name}`, soak: { stage: fromStage, evidence } },
    'advance',
  );
}

function refuse(message: string): number {
  process.stderr.write(`modelgate advance: ${message}\n`);
  return 1;
}
