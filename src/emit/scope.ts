/**
 * Which modelgate files a run owns: those made from one of its policy files or from a file
 * under one of its policy folders, so compiling one policy never deletes another's output while
 * compiling a folder removes the output of a policy deleted from it.
 */
import { headerSourceName } from './header.js';

export function scopeOf(sourcePaths: readonly string[]): (source: string) => boolean {
  const prefixes = sourcePaths.map((path) => headerSourceName(path.replace(/\/+$/, '')));
  return (source) => prefixes.some((prefix) => prefix === '' || prefix === '.' || source === prefix || source.startsWith(`${prefix}/`));
}
