/**
 * Turn a target's output objects into text, once, with fixed options: the only place output
 * formatting is decided, so identical input always gives byte-identical files.
 */
import type { OutputFile } from '../targets/target.js';
import { printYaml } from './yaml-printer.js';

export function serializeYaml(documents: readonly unknown[]): string {
  return documents.map(printYaml).join('---\n');
}

export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The file's content without the modelgate header. */
export function serializeBody(file: OutputFile): string {
  switch (file.kind) {
    case 'yaml':
      return `${file.comment === undefined ? '' : file.comment.replace(/^/gm, '#') + '\n'}${serializeYaml(file.documents ?? [])}`;
    case 'json':
      return serializeJson(file.documents?.[0] ?? null);
    case 'text':
      return file.text ?? '';
  }
}
