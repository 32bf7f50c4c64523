/**
 * A local stand-in for the part of GitHub's REST API modelgate uses: git refs, trees, commits,
 * pull requests, review requests and labels for one repository. It keeps state the way GitHub
 * does (non-fast-forward ref updates and a second open PR for a head fail with 422), checks every
 * request against GitHub's OpenAPI description, and injects faults on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './faults.js';
import { ObjectStore } from './git-objects.js';
import { matchRequest, type Operation } from './openapi.js';

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  head: string;
  base: string;
  labels: string[];
  reviewers: string[];
  teams: string[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  operationId: string | null;
  authorization: string | undefined;
  /** Ways the request broke GitHub's OpenAPI description; a test expects none. */
  errors: string[];
}

type Json = Record<string, any>;
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

export class FakeGitHub {
  readonly objects = new ObjectStore();
  readonly refs = new Map<string, string>();
  readonly pulls: PullRequest[] = [];
  readonly faults = new Faults();
  readonly requests: RecordedRequest[] = [];
  /** Called after an operation took effect and before the reply is sent (to kill a client there). */
  afterApply: ((operationId: string) => void) | null = null;
  url = '';
  private commitCounter = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Create `branch` with one commit holding `files`. */
  seed(branch: string, files: ReadonlyMap<string, string>): string {
    const entries = new Map([...files].map(([path, text]) => [path, { mode: '100644', sha: this.objects.putBlob(Buffer.from(text)) }]));
    const commit = this.objects.putCommit(this.objects.buildTree(entries), [], 'initial', this.commitCounter++);
    this.refs.set(`refs/heads/${branch}`, commit);
    return commit;
  }

  /** Text of every file on a branch. */
  branchFiles(branch: string): Map<string, string> {
    const head = this.refs.get(`refs/heads/${branch}`);
    if (!head) throw new Error(`no branch ${branch}`);
    const files = this.objects.flatten(this.objects.commits.get(head)!.tree);
    return new Map([...files].map(([path, file]) => [path, this.objects.blobs.get(file.sha)!.toString('utf8')]));
  }

  invalidRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.errors.length > 0);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, { status: 400, body: { message: 'Problems parsing JSON' } });
    }
    const { operation, errors } = matchRequest(req.method ?? 'GET', url, body);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', operationId: operation?.operationId ?? null, authorization: req.headers.authorization, errors });
    if (!operation) return send(res, { status: 404, body: { message: 'Not Found' } });
    if (errors.length > 0) return send(res, { status: 422, body: { message: 'Invalid request', errors } });

    const fault = this.faults.take(operation.operationId);
    if (fault?.kind === 'drop-before') return void req.socket.destroy();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return send(res, { status: fault.status, body: { message: 'Server Error' } });
    if (fault?.kind === 'secondary-rate-limit') {
      return send(res, {
        status: 403,
        headers: { 'retry-after': String(fault.retryAfterSeconds) },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      });
    }
    const authorization = req.headers.authorization ?? '';
    if (fault?.kind === 'unauthorized' || !/^(token|bearer) /i.test(authorization) || authorization.replace(/^\S+ /, '') !== this.token) {
      return send(res, { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    }
    if (operation.params.owner !== this.owner || operation.params.repo !== this.repo) return send(res, { status: 404, body: { message: 'Not Found' } });

    const reply = this.apply(operation, (body ?? {}) as Json, url);
    if (reply.status < 300) this.afterApply?.(operation.operationId);
    if (fault?.kind === 'drop-after') return void req.socket.destroy();
    send(res, reply);
  }

  private apply(operation: Operation, body: Json, url: URL): Reply {
    const p = operation.params;
    switch (operation.operationId) {
      case 'git/get-ref':
        return this.refReply(`refs/${p.ref}`, 200);
      case 'git/create-ref': {
        if (this.refs.has(body.ref)) return invalid('Reference already exists');
        if (!this.objects.commits.has(body.sha)) return invalid('Object does not exist');
        this.refs.set(body.ref, body.sha);
        return this.refReply(body.ref, 201);
      }
      case 'git/update-ref': {
        const ref = `refs/${p.ref}`;
        const current = this.refs.get(ref);
        if (!current) return invalid('Reference does not exist');
        if (!this.objects.commits.has(body.sha)) return invalid('Object does not exist');
        if (!body.force && !this.objects.isAncestor(current, body.sha)) return invalid('Update is not a fast forward');
        this.refs.set(ref, body.sha);
        return this.refReply(ref, 200);
      }
      case 'git/get-commit': {
        const commit = this.objects.commits.get(p.commit_sha!);
        if (!commit) return { status: 404, body: { message: 'Not Found' } };
        return { status: 200, body: { sha: commit.sha, message: commit.message, tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })) } };
      }
      case 'git/get-tree': {
        const sha = p.tree_sha!;
        if (!this.objects.trees.has(sha)) return { status: 404, body: { message: 'Not Found' } };
        const tree = url.searchParams.has('recursive')
          ? [...this.objects.flatten(sha)].map(([path, file]) => ({ path, mode: file.mode, type: 'blob', sha: file.sha }))
          : this.objects.trees.get(sha)!;
        return { status: 200, body: { sha, tree, truncated: false } };
      }
      case 'git/create-tree':
        return this.createTree(body);
      case 'git/create-commit': {
        if (!this.objects.trees.has(body.tree)) return invalid('Tree SHA does not exist');
        const parents: string[] = body.parents ?? [];
        if (parents.some((sha) => !this.objects.commits.has(sha))) return invalid('Parent SHA does not exist or is not a commit object');
        const sha = this.objects.putCommit(body.tree, parents, body.message, this.commitCounter++);
        return { status: 201, body: { sha, message: body.message, tree: { sha: body.tree }, parents: parents.map((s) => ({ sha: s })) } };
      }
      case 'pulls/list': {
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head');
        const found = this.pulls.filter((pr) => (state === 'all' || pr.state === state) && (!head || `${this.owner}:${pr.head}` === head));
        return { status: 200, body: found.map((pr) => this.pullJson(pr)) };
      }
      case 'pulls/create':
        return this.createPull(body);
      case 'pulls/update': {
        const pr = this.pulls.find((x) => x.number === Number(p.pull_number));
        if (!pr) return { status: 404, body: { message: 'Not Found' } };
        if (body.title !== undefined) pr.title = body.title;
        if (body.body !== undefined) pr.body = body.body;
        if (body.state !== undefined) pr.state = body.state;
        return { status: 200, body: this.pullJson(pr) };
      }
      case 'pulls/request-reviewers': {
        const pr = this.pulls.find((x) => x.number === Number(p.pull_number));
        if (!pr) return { status: 404, body: { message: 'Not Found' } };
        pr.reviewers = [...new Set([...pr.reviewers, ...(body.reviewers ?? [])])];
        pr.teams = [...new Set([...pr.teams, ...(body.team_reviewers ?? [])])];
        return { status: 201, body: this.pullJson(pr) };
      }
      case 'issues/add-labels': {
        const pr = this.pulls.find((x) => x.number === Number(p.issue_number));
        if (!pr) return { status: 404, body: { message: 'Not Found' } };
        const names = ((body.labels ?? []) as Array<string | { name: string }>).map((l) => (typeof l === 'string' ? l : l.name));
        pr.labels = [...new Set([...pr.labels, ...names])];
        return { status: 200, body: pr.labels.map((name) => ({ name })) };
      }
      default:
        return { status: 501, body: { message: `the fake does not implement ${operation.operationId}` } };
    }
  }

  private createTree(body: Json): Reply {
    let files = new Map<string, { mode: string; sha: string }>();
    if (body.base_tree) {
      if (!this.objects.trees.has(body.base_tree)) return invalid('base_tree does not exist');
      files = this.objects.flatten(body.base_tree);
    }
    for (const entry of body.tree as Json[]) {
      if (entry.type !== 'blob') return invalid('the fake only takes blob entries');
      if (entry.content !== undefined && entry.sha !== undefined) return invalid('Must supply either tree.sha or tree.content, not both');
      if (entry.sha === null) {
        if (!files.delete(entry.path)) return invalid(`tree.path ${entry.path} does not exist to delete`);
      } else if (entry.content !== undefined) {
        files.set(entry.path, { mode: entry.mode, sha: this.objects.putBlob(Buffer.from(entry.content, 'utf8')) });
      } else {
        if (!this.objects.blobs.has(entry.sha)) return invalid('tree.sha is not a valid blob');
        files.set(entry.path, { mode: entry.mode, sha: entry.sha });
      }
    }
    const sha = this.objects.buildTree(files);
    return { status: 201, body: { sha, tree: this.objects.trees.get(sha), truncated: false } };
  }

  private createPull(body: Json): Reply {
    const head = String(body.head).replace(new RegExp(`^${this.owner}:`), '');
    if (!this.refs.has(`refs/heads/${head}`)) return invalid(`head ${head} does not exist`);
    if (!this.refs.has(`refs/heads/${body.base}`)) return invalid(`base ${body.base} does not exist`);
    if (this.pulls.some((pr) => pr.state === 'open' && pr.head === head)) {
      return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }] } };
    }
    const pr: PullRequest = { number: this.pulls.length + 1, state: 'open', title: body.title, body: body.body ?? null, head, base: body.base, labels: [], reviewers: [], teams: [] };
    this.pulls.push(pr);
    return { status: 201, body: this.pullJson(pr) };
  }

  private refReply(ref: string, status: number): Reply {
    const sha = this.refs.get(ref);
    if (!sha) return { status: 404, body: { message: 'Not Found' } };
    return { status, body: { ref, object: { sha, type: 'commit' } } };
  }

  private pullJson(pr: PullRequest): Json {
    return {
      number: pr.number,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      html_url: `https://github.example/${this.owner}/${this.repo}/pull/${pr.number}`,
      head: { ref: pr.head, sha: this.refs.get(`refs/heads/${pr.head}`) ?? null, label: `${this.owner}:${pr.head}` },
      base: { ref: pr.base },
      labels: pr.labels.map((name) => ({ name })),
      requested_reviewers: pr.reviewers.map((login) => ({ login })),
      requested_teams: pr.teams.map((slug) => ({ slug })),
    };
  }
}

function invalid(message: string): Reply {
  return { status: 422, body: { message } };
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
