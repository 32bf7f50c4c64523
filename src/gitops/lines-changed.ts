/**
 * How many lines a change adds and removes, as a line diff counts them (`git diff --numstat`),
 * for the file table of the plan and the PR description.
 */

/** Above this many cells the exact count is not worth the time; lines are then matched as sets. */
const MAX_CELLS = 4_000_000;

export function linesChanged(before: string, after: string): { added: number; removed: number } {
  const a = lines(before);
  const b = lines(after);
  // Common head and tail first: a generated file usually changes in a few places.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const common = x.length * y.length <= MAX_CELLS ? longestCommon(x, y) : sharedAsSets(x, y);
  return { added: y.length - common, removed: x.length - common };
}

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  return text.endsWith('\n') ? all.slice(0, -1) : all;
}

/** Length of the longest common subsequence, one row at a time. */
function longestCommon(x: string[], y: string[]): number {
  let previous = new Array<number>(y.length + 1).fill(0);
  for (const line of x) {
    const row = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) row[j] = line === y[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, row[j - 1]!);
    previous = row;
  }
  return previous[y.length]!;
}

function sharedAsSets(x: string[], y: string[]): number {
  const counts = new Map<string, number>();
  for (const line of x) counts.set(line, (counts.get(line) ?? 0) + 1);
  let shared = 0;
  for (const line of y) {
    const left = counts.get(line) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(line, left - 1);
    }
  }
  return shared;
}
