/**
 * Turn a target's output objects into text, once, with fixed options: the only place output
 * formatting is decided, so identical input always gives byte-identical files.
 */
import { Document } from 'yaml';
import type { OutputFile } from '../targets/target.js';

/**
 * YAML 1.1 rules for quoting: Kubernetes tooling parses with YAML 1.1 (go-yaml), where `yes`,
 * `on` or `0777` are not strings, so those must come out quoted. Targets build objects in the
 * key order they want, so no sorting; no aliases, since reviewers read every value in place.
 */
const DOCUMENT_OPTIONS = { version: '1.1', aliasDuplicateObjects: false, sortMapEntries: false } as const;
/** lineWidth 0: never fold long strings (queries, URLs) across lines. */
const TO_STRING_OPTIONS = { lineWidth: 0, minContentWidth: 0 } as const;

export function serializeYaml(documents: readonly unknown[]): string {
  return documents
    .map((value) => new Document(value, DOCUMENT_OPTIONS).toString(TO_STRING_OPTIONS))
    .join('---\n');
}

export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The file's content without the modelgate header. */
export function serializeBody(file: OutputFile): string {
  switch (file.kind) {
    case 'yaml':
      return serializeYaml(file.documents ?? []);
    case 'json':
      return serializeJson(file.documents?.[0] ?? null);
    case 'text':
      return file.text ?? '';
  }
}
