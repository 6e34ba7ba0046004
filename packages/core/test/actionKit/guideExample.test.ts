// The complete example of docs/guides/writing-actions.md: two actions written with the action kit,
// run against a real local HTTP server. Keep the guide's code and this file in step.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createVirtualClock, runPlaybook } from '@firstline/core';
import type { ActionContext, FromSchema } from '@firstline/core';
import {
  couldNotCheck,
  defineAction,
  retryAdviceForStatus,
  sleep,
  verdict,
} from '@firstline/core/action-kit';

// --- the guide's example starts here ---

const statusInput = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^https?://' },
    settle: { type: 'integer', minimum: 0, default: 0, description: 'Milliseconds to wait first.' },
  },
} as const;

const statusOutput = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'integer' }, body: { type: 'string' } },
  examples: [{ status: 200, body: 'ok' }],
} as const;

/** What `demo.http.status` takes, read from its schema (nothing written twice). */
export type StatusInput = FromSchema<typeof statusInput>;

/** `demo.http.status`: GETs a URL; a 5xx is the target's verdict, anything in the way is not. */
export const httpStatus = defineAction({
  id: 'demo.http.status',
  kind: 'probe',
  description: 'GETs a URL and passes on a 2xx.',
  idempotent: true,
  input: statusInput,
  output: statusOutput,
  async run(input, ctx) {
    // input is { url: string; settle?: number }: typed from statusInput.
    if (input.settle) await sleep(input.settle, ctx); // the run's clock: virtual in simulations
    let response: Response;
    try {
      response = await fetch(input.url, { signal: ctx.signal });
    } catch (error) {
      // Nobody answered: the check could not be done (outcome `error`), worth another try.
      throw couldNotCheck(`${input.url} unreachable`, { retryable: true, kind: 'network' }, error);
    }
    const body = await response.text();
    const advice = retryAdviceForStatus(response.status, response.headers, ctx.clock.now());
    // 429 (and 401/403): the target did not judge itself, we could not check it.
    if (response.status === 429 || response.status === 401 || response.status === 403)
      throw couldNotCheck(`${input.url} answered HTTP ${response.status}`, advice);
    // Any other bad status is the target's answer: a verdict (outcome `fail`).
    if (!response.ok) throw verdict(`${input.url} answered HTTP ${response.status}`, advice);
    return { status: response.status, body }; // checked against statusOutput by the compiler
  },
});

/** `demo.service.restart`: a remediation; shadow mode shows its plan instead of running it. */
export const restartService = defineAction({
  id: 'demo.service.restart',
  kind: 'remediation',
  description: 'Restarts a service through its admin endpoint.',
  input: {
    type: 'object',
    required: ['url', 'service'],
    properties: { url: { type: 'string' }, service: { type: 'string', minLength: 1 } },
  },
  output: { type: 'object', required: ['restarted'], properties: { restarted: { type: 'string' } } },
  async run(input, ctx) {
    const response = await fetch(`${input.url}/restart/${input.service}`, {
      method: 'POST',
      signal: ctx.signal,
    });
    if (!response.ok)
      throw couldNotCheck(`restart answered HTTP ${response.status}`, retryAdviceForStatus(response.status));
    return { restarted: input.service };
  },
  plan: (input) => Promise.resolve({ summary: `would restart ${input.service}` }),
  describe: (input) => `restart ${input.service}`,
});

// --- the guide's example ends here ---

let answer = { status: 200, headers: {} as Record<string, string> };
let restarts: string[] = [];
const server = createServer((req, res) => {
  if (req.method === 'POST') restarts.push(req.url ?? '');
  res.writeHead(answer.status, answer.headers).end('ok');
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const playbook = () => ({
  firstline: 1,
  name: 'demo',
  checks: [{ id: 'health', action: 'demo.http.status', with: { url } }],
  remediate: [{ id: 'restart', action: 'demo.service.restart', with: { url, service: 'web' } }],
});

async function run(mode: 'live' | 'shadow') {
  restarts = [];
  return runPlaybook(playbook(), {
    mode,
    actions: [httpStatus, restartService],
  });
}

describe('the writing-actions guide example', () => {
  it('types run() from the schemas', () => {
    expectTypeOf<StatusInput>().toEqualTypeOf<{ url: string; settle?: number }>();
    expectTypeOf<Awaited<ReturnType<typeof httpStatus.run>>>().toEqualTypeOf<{
      status: number;
      body?: string;
    }>();
  });

  it('a healthy target: the check passes, nothing is restarted', async () => {
    answer = { status: 200, headers: {} };
    const result = await run('live');
    expect(result.outcome).toBe('healthy');
    expect(result.steps.health?.output).toEqual({ status: 200, body: 'ok' });
    expect(restarts).toEqual([]);
  });

  it("settle waits on the run's clock: 30 virtual seconds pass before the request", async () => {
    answer = { status: 200, headers: {} };
    const clock = createVirtualClock();
    const ctx: ActionContext = {
      clock,
      signal: new AbortController().signal,
      runId: 'run-1',
      stepId: 'health',
      attempt: 1,
      idempotencyKey: 'run-1:health:1',
      logger: console,
      secrets: {},
    };
    const checked = httpStatus.run({ url, settle: 30_000 }, ctx);
    clock.advance(29_999);
    expect(clock.pending()).toBe(1);
    clock.advance(1);
    await expect(checked).resolves.toEqual({ status: 200, body: 'ok' });
  });

  it('a 500 is a verdict: the remediation runs and the error names the action', async () => {
    answer = { status: 500, headers: {} };
    const result = await run('live');
    expect(result.steps.health).toMatchObject({
      outcome: 'fail',
      error: `demo.http.status: ${url} answered HTTP 500`,
    });
    expect(restarts).toEqual(['/restart/web']);
  });

  it('a 429 could not be checked: nothing is remediated', async () => {
    answer = { status: 429, headers: { 'retry-after': '5' } };
    const result = await run('live');
    expect(result.steps.health?.outcome).toBe('error');
    expect(result.outcome).toBe('inconclusive');
    expect(restarts).toEqual([]);
  });

  it('shadow mode shows the plan instead of restarting', async () => {
    answer = { status: 503, headers: {} };
    const result = await run('shadow');
    expect(result.trace.some((e) => e.type === 'plan' && e.summary === 'would restart web')).toBe(true);
    expect(restarts).toEqual([]);
  });
});
