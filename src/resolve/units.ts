/**
 * The one place where units written the way people write them (`1h30m`, `10%`, `0.5pp`)
 * become numbers. Everything after resolve works in seconds, percents and percentage points.
 */

const DURATION_PART = /([0-9]+)(ms|s|m|h|d)/g;
const SECONDS_PER: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** `1h30m` → 5400; `250ms` → 0.25. Returns undefined for text that is not a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  if (!/^([0-9]+(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * SECONDS_PER[match[2]!]!;
  }
  return total;
}

/** `10%` → 10, `0.5%` → 0.5. */
export function parsePercent(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** `0.5pp` → 0.5 (percentage points). */
export function parsePercentagePoints(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)pp$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** A traffic weight written as `5%` or `5`. */
export function parseWeight(value: number | string): number | undefined {
  return typeof value === 'number' ? value : parsePercent(value);
}

/** 5400 → `1h30m`: the inverse, for messages and manifests that take Go durations. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let out = '';
  // Go and Prometheus durations stop at hours, so days are written as hours.
  for (const [unit, ms] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / ms);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * ms;
  }
  return out;
}
