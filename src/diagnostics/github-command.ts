/**
 * GitHub Actions workflow commands (`::error file=…::message`), escaped exactly as the toolkit's
 * `issueCommand` does (actions/toolkit packages/core/src/command.ts), so a message with a colon,
 * comma, percent sign or newline still lands whole on the right line of the PR.
 */

export function workflowCommand(command: string, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
