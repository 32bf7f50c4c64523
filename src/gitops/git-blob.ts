/** Git's id for a file's content, so a file already on GitHub is recognised without downloading it. */
import { createHash } from 'node:crypto';

export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
