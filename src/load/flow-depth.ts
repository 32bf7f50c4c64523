/**
 * yaml parses nested flow collections (`[[[…]]]`) recursively and runs out of stack somewhere
 * near a thousand levels, at a depth that depends on the machine. Measuring the nesting first
 * gives one diagnostic at the same place everywhere. Block nesting needs no guard: indentation
 * makes it cost quadratic bytes, so the size limit bounds it far below what yaml handles.
 */

/** No real policy comes close; deeper than this is runaway brackets or an attack. */
export const MAX_FLOW_DEPTH = 64;

/** Offset of the bracket that goes past MAX_FLOW_DEPTH, or undefined. */
export function flowDepthExceeded(text: string): number | undefined {
  let depth = 0;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if ((c === '"' || c === "'") && (depth > 0 || /[\s:[{,-]/.test(text[i - 1] ?? ' '))) {
      quote = c;
    } else if (c === '#' && /\s/.test(text[i - 1] ?? '\n')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
