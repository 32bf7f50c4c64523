/**
 * Render a plan as the pull-request description: summary table, rollout chart per policy,
 * reviewer checklist, warnings and the file list. Policy text enters only through `markdown()`.
 */
import Handlebars from 'handlebars';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { markdown, trusted, type Markdown } from './markdown.js';
import type { Plan, PolicyPlan } from './plan.js';
import { gateThreshold } from './plan-words.js';
import { PULL_REQUEST_TEMPLATE } from './templates/pull-request.js';
import type { SoakEvidence } from '../status/soak.js';
import { soakRows, soakWindow, type SoakRow } from '../status/soak-report.js';
import { provenanceRows } from './provenance.js';
import { textChart, timelineOf, timelineSentence } from './timeline.js';

/** A release action the PR carries out, for the banner a rollback gets. */
export interface ActionNote {
  action: 'rollback' | 'promote' | 'abort' | 'advance';
  summary: string;
  servingAfter: number;
  policy: string;
  /** For a rollback: whether its version's pods still run (warm) or start cold. */
  readiness?: string;
  /** Who moved what live, when and why (`rollback --live`): in the PR body and the commit message. */
  audit?: string;
  /** For an advance: the previous stage's gates over its soak, from Prometheus. */
  soak?: { stage: string; evidence: SoakEvidence };
}

interface View {
  urgent: Markdown | null;
  soak: { window: Markdown; gates: Array<Record<keyof SoakRow, Markdown>> } | null;
  policies: Array<{
    key: Markdown;
    model: Markdown;
    versions: Markdown;
    owners: Markdown;
    gates: Markdown;
    rollbackTarget: Markdown;
    headline: Markdown;
    callouts: Markdown[];
    changes: Array<{ field: Markdown; before: Markdown; after: Markdown; change: Markdown }>;
    exposure: Markdown[];
    provenance: Array<{ field: Markdown; stable: Markdown; candidate: Markdown; change: Markdown }>;
    timeline: Markdown | null;
    chart: Markdown | null;
  }>;
  checklist: Markdown[];
  warnings: Markdown[];
  files: Array<{ path: Markdown; status: Markdown; lines: Markdown }>;
}

const render = Handlebars.create().compile<View>(PULL_REQUEST_TEMPLATE, { noEscape: true, strict: true });

export function pullRequestBody(plan: Plan, action: ActionNote | null): string {
  const view: View = {
    urgent:
      action?.action === 'rollback'
        ? markdown(`Urgent rollback. After merge, version ${action.servingAfter} of ${action.policy} serves 100% of traffic${action.readiness ? `; ${action.readiness}` : ''}.${action.audit ? ` ${action.audit}` : ''}`)
        : null,
    soak: action?.soak
      ? {
          window: markdown(soakWindow(action.soak.evidence, action.soak.stage)),
          gates: soakRows(action.soak.evidence).map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, markdown(value)])) as Record<keyof SoakRow, Markdown>),
        }
      : null,
    policies: plan.policies.map(policyView),
    checklist: plan.policies.flatMap(checklist),
    warnings: plan.warnings.map((d) => markdown(`${d.file}:${d.line}:${d.column} [${d.rule}] ${d.message}`)),
    files: plan.files.map((f) => ({ path: markdown(f.path), status: trusted(f.status), lines: trusted(`+${f.added} −${f.removed}`) })),
  };
  return render(view);
}

export function pullRequestTitle(plan: Plan, action: ActionNote | null): string {
  if (action) return `${action.action === 'rollback' ? '[urgent] ' : ''}modelgate: ${action.summary}`;
  const names = plan.policies.map((p) => p.key);
  return `modelgate: ${plan.policies.length === 1 ? `${plan.policies[0]!.key}: ${plan.policies[0]!.change.title}` : `update ${names.length} policies (${names.join(', ')})`}`;
}

function policyView(entry: PolicyPlan): View['policies'][number] {
  const policy = entry.policy;
  const timeline = policy ? timelineOf(policy) : null;
  return {
    key: markdown(entry.title),
    model: markdown(policy?.model.name ?? '—'),
    versions: policy ? markdown(`stable ${policy.versions.stable}, ${policy.versions.candidate === null ? 'no candidate' : `candidate ${policy.versions.candidate}`}`) : trusted('removed'),
    owners: markdown(policy?.owners.join(', ') || '—'),
    gates: policy && policy.versions.candidate !== null ? markdown(policy.gates.checks.map((g) => `${g.name}: ${gateThreshold(g)}`).join('; ')) : trusted('—'),
    rollbackTarget: policy ? markdown(String(policy.rollback.toVersion)) : trusted('—'),
    headline: markdown(entry.change.headline),
    callouts: entry.change.callouts.map(markdown),
    changes: entry.change.rows.map((row) => ({ field: markdown(row.field), before: markdown(row.before), after: markdown(row.after), change: markdown(row.change) })),
    exposure: entry.exposure.map(markdown),
    provenance: policy
      ? provenanceRows(policy).map((row) => ({ field: markdown(row.field), stable: markdown(row.stable), candidate: markdown(row.candidate), change: markdown(row.change) }))
      : [],
    timeline: timeline ? markdown(`Candidate ${policy!.versions.candidate}: ${timelineSentence(timeline)}.`) : null,
    chart: timeline ? trusted(textChart(timeline)) : null,
  };
}

function checklist(entry: PolicyPlan): Markdown[] {
  const policy = entry.policy;
  if (!policy) return [markdown(`${entry.title}: nothing still routes traffic to this model's service`)];
  const items: string[] = [];
  const { candidate, stable, retained } = policy.versions;
  if (candidate !== null) {
    items.push(`${entry.title}: candidate ${candidate} is the model you expect${versionFacts(policy, candidate)}`);
    items.push(`${entry.title}: the gates (${policy.gates.checks.length}) would catch the regression you fear most for this model`);
  }
  items.push(`${entry.title}: rollback target ${policy.rollback.toVersion} is retained (kept versions: ${retained.join(', ')}) and still good to serve`);
  if (candidate === null) items.push(`${entry.title}: after merge, version ${stable} serves 100% of traffic`);
  return items.map(markdown);
}

function versionFacts(policy: ResolvedPolicy, version: number): string {
  const info = policy.versions.info[version];
  if (!info) return '';
  const facts = [info.name && `name ${info.name}`, info.dataSnapshot && `data ${info.dataSnapshot}`, info.commit && `commit ${info.commit}`].filter(Boolean);
  return facts.length > 0 ? ` (${facts.join(', ')})` : '';
}
