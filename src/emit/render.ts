/** One target file as it lands on disk: serialized body plus the modelgate header. */
import type { OutputFile } from '../targets/target.js';
import { SIDECAR_SUFFIX, renderHeader } from './header.js';
import { serializeBody } from './serialize.js';

/**
 * The files (path relative to the output root → content) that one target file becomes.
 * `source` is the policy file as the header names it.
 */
export function renderOutputFile(policyDir: string, file: OutputFile, source: string): Array<[string, string]> {
  const path = `${policyDir}/${file.path}`;
  const body = serializeBody(file);
  if (file.kind === 'json') return [[path, body], [`${path}${SIDECAR_SUFFIX}`, renderHeader(source, body)]];
  return [[path, `${renderHeader(source, body)}${body}`]];
}
