import { startRecordingServer } from './recordingServer.js';
import type { RecordingServer, Reply } from './recordingServer.js';

// A local stand-in for GitHub's Issues REST API, optionally under a GitHub Enterprise prefix (/api/v3):
// `token` or `Bearer` auth, 401 Bad credentials, 404 for repositories it does not have, 422 Validation
// Failed with GitHub's error shape, pagination by Link header, and pull requests mixed into issue lists.

/** The only token the mock accepts. Obviously fake. */
export const GITHUB_TOKEN = 'fake-gh-token-123';
const DOCS = 'https://docs.github.com/rest';

/** An issue (or pull request) the mock holds. */
export interface MockIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  comments: string[];
  pull_request?: boolean;
}

/** The mock GitHub server and the issues of its one repository, acme/ops. */
export interface MockGithub extends RecordingServer {
  issues: MockIssue[];
  /** Adds an issue (or pull request) directly, as if opened earlier. */
  seed(issue: Partial<MockIssue> & { title: string }): MockIssue;
  reset(): void;
}

/** Starts the mock GitHub API on a loopback port. */
export async function startMockGithub(): Promise<MockGithub> {
  const issues: MockIssue[] = [];
  const seed = (issue: Partial<MockIssue> & { title: string }): MockIssue => {
    const full: MockIssue = {
      number: issues.length + 1,
      body: null,
      state: 'open',
      state_reason: null,
      labels: [],
      assignees: [],
      comments: [],
      ...issue,
    };
    issues.push(full);
    return full;
  };
  const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
    status,
    body: { message, ...extra, documentation_url: DOCS, status: String(status) },
  });
  const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
    status,
    body,
    ...(headers && { headers }),
  });

  const server = await startRecordingServer((request, origin) => {
    const auth = request.headers.authorization;
    if (auth !== `token ${GITHUB_TOKEN}` && auth !== `Bearer ${GITHUB_TOKEN}`)
      return error(401, 'Bad credentials');
    const path = request.path.replace(/^\/api\/v3/, '');
    const prefix = request.path.startsWith('/api/v3') ? '/api/v3' : '';
    const match = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+)(\/comments)?)?$/.exec(path);
    if (!match || `${match[1]}/${match[2]}` !== 'acme/ops') return error(404, 'Not Found');
    const view = (issue: MockIssue) => ({
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map((name) => ({ name })),
      html_url: `https://github.example/acme/ops/issues/${issue.number}`,
      ...(issue.pull_request && { pull_request: { url: 'https://github.example/pr' } }),
    });
    const body = request.body ?? {};
    const number = match[3] ? Number(match[3]) : undefined;

    if (number === undefined && request.method === 'POST') {
      if (typeof body.title !== 'string' || body.title === '')
        return error(422, 'Validation Failed', {
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        });
      const issue = seed({
        title: body.title,
        body: typeof body.body === 'string' ? body.body : null,
        labels: (body.labels as string[] | undefined) ?? [],
        assignees: (body.assignees as string[] | undefined) ?? [],
      });
      return json(201, view(issue));
    }
    if (number === undefined && request.method === 'GET') {
      const state = request.query.get('state') ?? 'open';
      const labels = (request.query.get('labels') ?? '').split(',').filter(Boolean);
      const perPage = Number(request.query.get('per_page') ?? 30);
      const page = Number(request.query.get('page') ?? 1);
      const matching = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      const next = new URLSearchParams(request.query);
      next.set('page', String(page + 1));
      const link =
        page * perPage < matching.length
          ? { link: `<${origin}${prefix}${path}?${next.toString()}>; rel="next"` }
          : undefined;
      return json(200, slice.map(view), link);
    }
    const issue = issues.find((i) => i.number === number);
    if (!issue) return error(404, 'Not Found');
    if (match[4] && request.method === 'POST') {
      if (typeof body.body !== 'string' || body.body === '')
        return error(422, 'Validation Failed', {
          errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
        });
      issue.comments.push(body.body);
      return json(201, {
        id: 1000 + issue.comments.length,
        html_url: `https://github.example/acme/ops/issues/${issue.number}#issuecomment-${1000 + issue.comments.length}`,
        body: body.body,
      });
    }
    if (!match[4] && request.method === 'PATCH') {
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      return json(200, view(issue));
    }
    if (!match[4] && request.method === 'GET') return json(200, view(issue));
    return error(404, 'Not Found');
  });

  return Object.assign(server, {
    issues,
    seed,
    reset() {
      issues.length = 0;
      server.clear();
    },
  });
}
