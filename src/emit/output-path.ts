/**
 * The last guard before a path reaches the file system. The validator already rejects names
 * with `..` or `/`; this checks again, because a path escaping the output folder would write
 * anywhere on the machine.
 */
export function isSafeOutputPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /[\\\0\p{Cc}]/u.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
