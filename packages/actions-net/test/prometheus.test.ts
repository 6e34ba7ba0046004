import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createPrometheusQuery } from '@firstline/actions-net';
import type { PrometheusQueryInput, PrometheusQueryOutput } from '@firstline/actions-net';
import { fixedClock, runLive, startServer, liveContext } from './support.js';
import type { LocalServer, PrometheusFixture } from './support.js';

const query = createPrometheusQuery();
const provided = inject('prometheus');
const skip = 'skip' in provided ? provided.skip : undefined;
if (skip) console.warn(`\n*** prometheus.query tests against a real Prometheus SKIPPED: ${skip} ***\n`);
const prom = provided as PrometheusFixture;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a failure'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(ActionError);
      return e as ActionError;
    },
  );

// globalSetup backfilled node_load_test{kind=web|db|cache} every 15 s for the 10 minutes before
// prom.nowMs: web swings by 2, db by 30, cache is flat. The actions' clock is fixed at that instant.
describe.skipIf(skip !== undefined)(
  'prometheus.query against a real Prometheus server (backfilled TSDB)',
  () => {
    const ctx = () => liveContext({ clock: fixedClock(prom.nowMs) });
    const run = (input: Omit<PrometheusQueryInput, 'url'>) => query.run({ url: prom.url, ...input }, ctx());

    it('runs an instant query at the clock time: one value per series', async () => {
      const output = await run({ query: 'node_load_test', pick: 'max' });
      expect(output.resultType).toBe('vector');
      expect(output.series).toHaveLength(3);
      expect(output.picked?.labels).toMatchObject({ kind: 'db' });
      expect(output.latencyMs).toBeGreaterThan(0);
    });

    it('runs a range query over the last 5m and reduces each series', async () => {
      const output = await run({
        query: 'node_load_test',
        range: { last: '5m', step: '15s' },
        reduce: 'amplitude',
      });
      expect(output.resultType).toBe('matrix');
      const byKind: Record<string, PrometheusQueryOutput['series'][number]> = Object.fromEntries(
        output.series.map((s) => [s.labels?.kind ?? '', s]),
      );
      expect(byKind.web).toMatchObject({ value: 2, samples: 21 });
      expect(byKind.db?.value).toBe(30);
      expect(byKind.cache?.value).toBe(0);
      const min = await run({
        query: 'node_load_test',
        range: { last: '5m', step: '15s' },
        reduce: 'max',
        pick: 'min',
      });
      expect(min.picked).toMatchObject({ labels: { kind: 'web' }, value: 52 });
    });

    it("surfaces Prometheus' own error (errorType and error), not retryable for bad_data", async () => {
      const error = await failure(run({ query: 'rate(node_load_test[5m]' }));
      expect(error.message).toContain('bad_data:');
      expect(error.message).toContain('parse error');
      expect(error.message).toContain('(HTTP 400)');
      expect(error.retry.retryable).toBe(false);
    });

    it('picks the series with the largest amplitude through the engine, and its labels feed the next step', async () => {
      const result = await runLive(
        {
          firstline: 1,
          name: 'outlier',
          steps: [
            {
              id: 'outlier',
              action: 'prometheus.query',
              with: {
                url: prom.url,
                query: 'node_load_test',
                range: { last: '5m', step: '15s' },
                reduce: 'amplitude',
                pick: 'max',
              },
              expect: '$exists(output.picked) and output.latencyMs < 2000',
            },
            {
              id: 'is-db',
              action: 'core.log',
              with: { message: 'outlier: {{ steps.outlier.output.picked.labels.kind }}' },
            },
          ],
        },
        [query],
        { clock: fixedClock(prom.nowMs) },
      );
      expect(result.steps.outlier?.outcome).toBe('pass');
      expect(result.steps.outlier?.output).toMatchObject({
        picked: { labels: { kind: 'db', instance: 'db:9100' }, value: 30 },
      });
      expect(JSON.stringify(result.trace)).toContain('outlier: db');
    });
  },
);

describe('prometheus.query against a local server answering with Prometheus API bodies (mock Prometheus)', () => {
  let server: LocalServer;
  const matrix = {
    status: 'success',
    warnings: ['query hit the sample limit'],
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { kind: 'a' },
          values: [
            [1, '1'],
            [2, 'NaN'],
            [3, '4'],
          ],
        },
        { metric: { kind: 'b' }, values: [[1, 'NaN']] },
      ],
    },
  };
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const auth = req.headers.authorization;
      if (
        auth !== 'Bearer fake-token-123' &&
        auth !== `Basic ${Buffer.from('ops:fake-password-456').toString('base64')}`
      )
        return res.writeHead(401).end('Unauthorized');
      const form = new URLSearchParams(req.body);
      if (form.get('query') === 'overloaded')
        return res
          .writeHead(503)
          .end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'too many queries' }));
      if (form.get('query') === 'scalar(1)')
        return res
          .writeHead(200)
          .end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '42'] } }));
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(matrix));
    });
  });
  afterAll(() => server.close());
  const ctx = liveContext({ clock: fixedClock(1_700_000_000_000) });

  it('sends the query as a form with start/end relative to the clock, and bearer auth', async () => {
    const output = await query.run(
      {
        url: `${server.url}/prom/`,
        query: 'up',
        range: { last: '5m', step: '30s' },
        reduce: 'max',
        token: 'fake-token-123',
      },
      ctx,
    );
    const request = server.requests.at(-1)!;
    expect(request.url).toBe('/prom/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      query: 'up',
      start: '1699999700.000',
      end: '1700000000.000',
      step: '30',
    });
    // NaN samples are skipped; a series with none left is left out.
    expect(output.series).toEqual([{ labels: { kind: 'a' }, value: 4, samples: 2 }]);
    expect(ctx.logs).toContainEqual({
      level: 'warn',
      message: 'Prometheus warning: query hit the sample limit',
    });
  });

  it('supports basic auth and scalar results', async () => {
    const output = await query.run(
      { url: server.url, query: 'scalar(1)', username: 'ops', password: 'fake-password-456' },
      ctx,
    );
    expect(output).toMatchObject({ resultType: 'scalar', series: [{ labels: {}, value: 42 }] });
    expect(new URLSearchParams(server.requests.at(-1)!.body).get('time')).toBe('1700000000.000');
  });

  it('runs through the engine with the token from secrets:, kept out of the trace', async () => {
    const result = await runLive(
      {
        firstline: 1,
        name: 'prom',
        secrets: { promToken: { env: 'PROM_TOKEN' } },
        steps: [
          {
            id: 'q',
            action: 'prometheus.query',
            with: {
              url: server.url,
              query: 'up',
              token: '{{ secrets.promToken }}',
              reduce: 'last',
              pick: 'max',
            },
            expect: "output.picked.labels.kind = 'a' and output.latencyMs < 2000",
          },
        ],
      },
      [query],
      { env: { PROM_TOKEN: 'fake-token-123' } },
    );
    expect(result.steps.q?.outcome).toBe('pass');
    expect(JSON.stringify(result)).not.toContain('fake-token-123');
  });

  it('reports auth failures without the credentials, and unavailable as retryable', async () => {
    const denied = await failure(
      query.run({ url: server.url, query: 'up', token: 'fake-wrong-token-789' }, ctx),
    );
    expect(denied.message).toContain('unauthorized (HTTP 401)');
    expect(denied.message).not.toContain('fake-wrong-token-789');
    expect(denied.retry.retryable).toBe(false);
    const busy = await failure(
      query.run({ url: server.url, query: 'overloaded', token: 'fake-token-123' }, ctx),
    );
    expect(busy.message).toContain('unavailable: too many queries (HTTP 503)');
    expect(busy.retry).toEqual({ retryable: true, kind: '5xx' });
    // Prometheus is the data source, not the target: its trouble is never a verdict.
    expect([denied.verdict, busy.verdict]).toEqual([false, false]);
  });
});
