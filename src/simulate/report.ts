/**
 * `simulate` output for people: the ending first, then each step, then the alerts. JSON output is
 * the Simulation object itself (without the raw trace).
 */
import type { Ending, Simulation } from './simulate.js';

export function formatSimulation(simulation: Simulation): string {
  const lines = [`${simulation.policy}: ${ending(simulation.ending)}`, '', 'steps:'];
  const shadow = simulation.shadow;
  if (shadow) {
    const served = shadow.outcome === 'advanced' ? '' : ', before any user was served';
    lines.push(`  shadow, ${shadow.mirrorPercent}% mirrored (minute ${shadow.startMinute}–${shadow.endMinute}): ${shadow.outcome}${served}`);
  }
  for (const step of simulation.steps) {
    const until = step.endMinute === null ? '' : `–${step.endMinute}`;
    lines.push(`  step ${step.stepIndex + 1} at ${step.weightPercent}%${step.soak ? ', soak' : ''} (minute ${step.startMinute}${until}): ${step.outcome}`);
  }
  const counts = new Map<string, Record<string, number>>();
  for (const m of simulation.measurements) {
    const c = counts.get(m.limit) ?? { successful: 0, failed: 0, inconclusive: 0 };
    c[m.verdict]! += 1;
    counts.set(m.limit, c);
  }
  lines.push('', 'measurements (successful / failed / inconclusive):');
  for (const [limit, c] of counts) lines.push(`  ${limit}: ${c.successful} / ${c.failed} / ${c.inconclusive}`);
  if (simulation.unsimulatedWebhooks.length > 0) {
    lines.push(`  not simulated, assumed to pass (Argo Rollouts asks their services over HTTP): ${simulation.unsimulatedWebhooks.join(', ')}`);
  }
  lines.push('', 'alerts:');
  if (simulation.alerts.length === 0) lines.push('  none fired');
  for (const a of simulation.alerts) lines.push(`  ${a.alert}${a.segment === null ? '' : ` (${a.segment})`} fired at minute ${a.firstFiringMinute}`);
  return `${lines.join('\n')}\n`;
}

function ending(e: Ending): string {
  switch (e.kind) {
    case 'completed':
      return `completed at minute ${e.minute}`;
    case 'aborted':
      return `aborted at minute ${e.minute} by gate ${e.limit} (${e.failures} failed measurements)`;
    case 'held-inconclusive':
      return `paused, waiting for a human at minute ${e.minute}: gate ${e.limit} had ${e.inconclusive} measurements with too little traffic (more than its inconclusiveLimit)`;
    case 'held-manual':
      return `waiting for manual promotion at minute ${e.minute} (step ${e.stepIndex + 1})`;
    case 'unfinished':
      return `still rolling out when the scenario ends at minute ${e.minute}`;
  }
}
