/**
 * Who made each file in the output folder. modelgate's own files carry a header (or, for JSON,
 * a sidecar); everything else is hand-written and left alone.
 */
import { SIDECAR_SUFFIX, parseHeader, sha256 } from './header.js';
import type { ExistingFile } from './tree.js';

export type Ownership =
  | { owner: 'hand' }
  /** `intact`: content still matches the hash modelgate wrote, i.e. not edited by hand. */
  | { owner: 'modelgate'; source: string; intact: boolean };

export function ownershipOf(path: string, tree: ReadonlyMap<string, ExistingFile>): Ownership {
  const content = textOf(tree.get(path));
  if (content === null) return { owner: 'hand' };
  if (path.endsWith(SIDECAR_SUFFIX)) {
    const sidecar = parseHeader(content);
    if (!sidecar || sidecar.body !== '') return { owner: 'hand' };
    const subject = textOf(tree.get(path.slice(0, -SIDECAR_SUFFIX.length)));
    return { owner: 'modelgate', source: sidecar.header.source, intact: subject !== null && sha256(subject) === sidecar.header.sha256 };
  }
  const sidecar = parseHeader(textOf(tree.get(`${path}${SIDECAR_SUFFIX}`)) ?? '');
  if (sidecar && sidecar.body === '') {
    return { owner: 'modelgate', source: sidecar.header.source, intact: sha256(content) === sidecar.header.sha256 };
  }
  const parsed = parseHeader(content);
  if (!parsed) return { owner: 'hand' };
  return { owner: 'modelgate', source: parsed.header.source, intact: sha256(parsed.body) === parsed.header.sha256 };
}

function textOf(file: ExistingFile | undefined): string | null {
  return file ? file.bytes.toString('utf8') : null;
}
