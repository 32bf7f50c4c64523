/**
 * The GitHub client: Octokit with retries for server errors and dropped connections, and
 * throttling that honours secondary rate limits. Settings come from the variables GitHub Actions
 * sets. `MODELGATE_GITHUB_TIME_SCALE` (default 1) multiplies every wait — retry back-off,
 * rate-limit waits and request spacing — so tests can run the real client in milliseconds.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Pacing } from './github-pacing.js';

export interface GitHubSettings {
  token: string;
  apiUrl: string;
  timeScale: number;
  /** How long one request may wait for GitHub's answer before it is abandoned (and retried). */
  requestTimeoutMs?: number;
}

/** GitHub answers in well under a second; a request silent this long is lost, not slow. */
export const REQUEST_TIMEOUT_MS = 30_000;

export const DEFAULT_API_URL = 'https://api.github.com';
const MAX_RATE_LIMIT_RETRIES = 3;

export function githubSettingsFromEnv(env: NodeJS.ProcessEnv): GitHubSettings | { error: string } {
  const token = env.GITHUB_TOKEN ?? '';
  if (token === '') return { error: 'GITHUB_TOKEN is not set; propose needs a token with contents: write and pull-requests: write' };
  const scale = env.MODELGATE_GITHUB_TIME_SCALE === undefined ? 1 : Number(env.MODELGATE_GITHUB_TIME_SCALE);
  if (!Number.isFinite(scale) || scale < 0) return { error: 'MODELGATE_GITHUB_TIME_SCALE must be a number ≥ 0' };
  return { token, apiUrl: (env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, ''), timeScale: scale };
}

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export function createGitHubClient(settings: GitHubSettings, warn: (message: string) => void): GitHubClient {
  const second = 1000 * settings.timeScale;
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < MAX_RATE_LIMIT_RETRIES;
    warn(`GitHub ${kind} rate limit on ${options.method} ${options.url}; ${again ? `retrying in ${retryAfter}s` : 'giving up'}`);
    return again;
  };
  const silent = () => undefined;
  const timeoutMs = settings.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  return new GitHubOctokit({
    auth: settings.token,
    baseUrl: settings.apiUrl,
    userAgent: 'modelgate',
    // Every attempt (retries included) gets its own deadline: fetch itself never gives up on a
    // server that accepted the connection and then says nothing.
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
    // Octokit would print failed requests itself; modelgate reports them once, with the token scrubbed.
    log: { debug: silent, info: silent, warn: silent, error: silent },
    retry: { retryAfterBaseValue: second, retries: 3 },
    throttle: {
      retryAfterBaseValue: second,
      onSecondaryRateLimit: onLimit('secondary'),
      onRateLimit: onLimit('primary'),
      write: new Pacing(1000 * settings.timeScale),
      notifications: new Pacing(3000 * settings.timeScale),
    } as never,
  });
}

/** One line a user can act on, never containing the token. */
export function describeGitHubError(error: unknown, token: string): string {
  const status = (error as { status?: number })?.status;
  const message = (error as Error)?.message ?? String(error);
  let text: string;
  if (status === 401) text = 'GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN';
  else if ((status === 403 || status === 429) && /rate limit/i.test(message)) text = `GitHub's rate limit did not clear after ${MAX_RATE_LIMIT_RETRIES} waits (${status}): wait a few minutes and run propose again; it picks up where this run stopped — ${message}`;
  else if (isTimeout(error)) text = `GitHub did not answer within ${REQUEST_TIMEOUT_MS / 1000}s, even after retries; run propose again: it picks up where this run stopped`;
  else if (status === 403) text = `GitHub refused the request (403): the token needs contents: write and pull-requests: write — ${message}`;
  else if (status === 404) text = `GitHub answered 404: check --repo and --base, and that the token can see the repository — ${message}`;
  else if (isConnectionLost(error)) text = `the connection to GitHub kept dropping, even after retries (${message}); run propose again: it picks up where this run stopped`;
  else if (status !== undefined && status >= 500) text = `GitHub kept failing (${status}) after retries: ${message}`;
  else if (status === undefined) text = `could not reach GitHub: ${message}`;
  else text = `GitHub answered ${status}: ${message}`;
  return scrub(text, token);
}

/** Octokit reports an abandoned request as a 500 carrying fetch's timeout message. */
function isTimeout(error: unknown): boolean {
  return (error as { status?: number })?.status === 500 && /aborted due to timeout/i.test((error as Error)?.message ?? '');
}

/** Octokit reports a dropped connection as a 500 whose cause is fetch's network error. */
function isConnectionLost(error: unknown): boolean {
  const cause = (error as { cause?: { message?: string } })?.cause;
  return cause?.message === 'fetch failed';
}

export function scrub(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('***');
}
