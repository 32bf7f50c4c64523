/**
 * A project folder as a repository on GitHub, for tests of the commands that open pull requests:
 * `dir` becomes a git repository with one commit of everything in it, and a GitHub stand-in's
 * `main` holds the same files. The commands reach the stand-in the way GitHub Actions reaches
 * github.com (GITHUB_API_URL, GITHUB_TOKEN); the caller restores process.env and closes it.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeGitHub } from './fake-github/server.js';

export async function publishOnFakeGitHub(dir: string, token: string): Promise<FakeGitHub> {
  const sh = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  sh('init', '-q', '-b', 'main');
  sh('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'add', '.');
  sh('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'policies and their output');
  const github = await new FakeGitHub('acme', 'models', token).start();
  const files = new Map<string, string>();
  for (const file of sh('ls-files', '-z').split('\0').filter(Boolean)) files.set(file, await readFile(path.join(dir, file), 'utf8'));
  github.seed('main', files);
  Object.assign(process.env, { GITHUB_TOKEN: token, GITHUB_API_URL: github.url, MODELGATE_GITHUB_TIME_SCALE: '0.001' });
  delete process.env.GITHUB_REPOSITORY;
  return github;
}
