// The engine sees a probe's verdict: a URL answering 503 ends the first-line check `fail` (and
// `on: { fail }` takes it), a check that could not be done ends `error`, against a loopback server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAction } from '@firstline/core';
import { netActions } from '@firstline/actions-net';
import { runLive, startServer } from './support.js';
import type { LocalServer } from './support.js';

let web: LocalServer;
// A name that never resolves (RFC 6761).
const NO_SUCH_HOST = 'no-such-host.invalid';

beforeAll(async () => {
  web = await startServer((req, res) => {
    const status = Number(/^\/status\/(\d{3})$/.exec(req.url)?.[1] ?? 200);
    res.writeHead(status).end(`status ${status}`);
  });
});
afterAll(() => web.close());

describe('the first-line form and `on:` see the difference', () => {
  const fixes: unknown[] = [];
  const fix = defineAction({
    id: 'test.fix',
    kind: 'remediation',
    description: 'Records that it ran.',
    input: { type: 'object' },
    run: (input) => (fixes.push(input), Promise.resolve({})),
  });
  const firstLine = (url: string) =>
    runLive(
      {
        firstline: 1,
        name: 'first-line-url',
        checks: [{ id: 'url', action: 'http.check', with: { url } }],
        remediate: [{ id: 'fix', action: 'test.fix', with: {} }],
      },
      [...netActions(), fix],
    );

  it('a URL answering 503 ends the check `fail`', async () => {
    const result = await firstLine(`${web.url}/status/503`);
    expect(result.steps.url).toMatchObject({ outcome: 'fail', attempts: 1 });
    expect(result.steps.url?.error).toBe(
      `http.check: GET ${web.url}/status/503 answered HTTP 503, expected 2xx: body "status 503"`,
    );
  });

  it('a URL refusing our credentials ends the check `error`', async () => {
    const result = await firstLine(`${web.url}/status/401`);
    expect(result.steps.url).toMatchObject({ outcome: 'error', attempts: 1 });
  });

  it('`on: { fail }` takes the 503, `on: { error }` the unresolvable name', async () => {
    const routed = (url: string) =>
      runLive(
        {
          firstline: 1,
          name: 'routed',
          steps: [
            { id: 'url', action: 'http.check', with: { url }, on: { fail: 'down', error: 'unknown' } },
            { id: 'down', end: 'down' },
            { id: 'unknown', end: 'could_not_check' },
          ],
        },
        netActions(),
      );
    expect((await routed(`${web.url}/status/503`)).outcome).toBe('down');
    expect((await routed(`http://${NO_SUCH_HOST}/`)).outcome).toBe('could_not_check');
  });

  it('`retry: { on: [5xx] }` retries the 503 verdict, `on: [error]` does not', async () => {
    const retried = (on: string[]) =>
      runLive(
        {
          firstline: 1,
          name: 'retried',
          steps: [
            {
              id: 'url',
              action: 'http.check',
              with: { url: `${web.url}/status/503` },
              retry: { attempts: 2, delay: '1ms', on },
            },
          ],
        },
        netActions(),
      );
    expect((await retried(['5xx'])).steps.url).toMatchObject({ outcome: 'fail', attempts: 2 });
    expect((await retried(['error'])).steps.url).toMatchObject({ outcome: 'fail', attempts: 1 });
  });
});
