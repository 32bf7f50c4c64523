/**
 * Where a modelgate project starts: the nearest folder, going up from where the user points (the
 * policy path they gave, else the working folder), that holds `modelgate.config.yaml` or a
 * `policies/` folder. The search stops at the git root (a folder with a `.git` folder or file,
 * as in a worktree or submodule), so a project never borrows `policies/` from a repository that
 * happens to contain it; with none found the command refuses rather than guess.
 *
 * Commands then work from that root, so `generated/` lands beside `policies/` however deep the
 * user stands (before, `compile` run inside `policies/` wrote `policies/generated/`).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './discover.js';
import { PROFILE_FILE } from './profile-file.js';

export const POLICY_FOLDER = 'policies';

/** The project root for a path (file or folder, existing or not), or a UsageError saying where it looked. */
export function findProjectRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, PROFILE_FILE)) || isDirectory(path.join(dir, POLICY_FOLDER))) return dir;
    const parent = path.dirname(dir);
    if (existsSync(path.join(dir, '.git'))) return refuse(start, `up to the git root ${dir}`);
    if (parent === dir) return refuse(start, 'up to the file-system root');
    dir = parent;
  }
}

function refuse(start: string, until: string): never {
  throw new UsageError(
    `not inside a modelgate project: no ${PROFILE_FILE} and no ${POLICY_FOLDER}/ folder in ${path.resolve(start)} or any folder above it, ${until}; run modelgate inside the project (or create ${POLICY_FOLDER}/ at its root)`,
  );
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Find the root from `pointers` (paths the user typed; none: the working folder) and make it the
 * working folder, so every default (`policies/`, `generated`, the profile) and every path shown
 * is relative to the root. Returns how to read a path the user typed relative to where they stood.
 * Pointers in two different projects are refused: one run compiles one project.
 */
export function enterProjectRoot(pointers: readonly string[]): { root: string; typed: (given: string) => string } {
  const here = process.cwd();
  const roots = pointers.length > 0 ? pointers.map((pointer) => ({ pointer, root: findProjectRoot(pointer) })) : [{ pointer: '.', root: findProjectRoot(here) }];
  const first = roots[0]!;
  const other = roots.find((entry) => entry.root !== first.root);
  if (other) throw new UsageError(`${first.pointer} and ${other.pointer} are in different projects (${first.root}, ${other.root}); run modelgate once per project`);
  process.chdir(first.root);
  return { root: first.root, typed: (given) => fromRoot(first.root, path.resolve(here, given), given) };
}

/** `given` as a path relative to the root, `/`-separated, keeping a trailing slash the user typed. */
function fromRoot(root: string, full: string, given: string): string {
  const relative = path.relative(root, full).split(path.sep).join('/') || '.';
  return /[\\/]$/.test(given) && !relative.endsWith('/') ? `${relative}/` : relative;
}

/** The help paragraph of every command that works in a project. */
export const PROJECT_ROOT_HELP = `Works from the project root: the nearest folder upward (from the first PATH given, else the
working folder) that holds ${PROFILE_FILE} or ${POLICY_FOLDER}/, up to the git root. Defaults are
relative to it, and so are the paths in messages.
`;
