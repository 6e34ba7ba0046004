import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createDnsCheck } from '@firstline/actions-net';
import type { DnsCheckInput } from '@firstline/actions-net';
import { startDnsResponder } from './dnsResponder.js';
import type { DnsResponder } from './dnsResponder.js';
import { runLive, liveContext } from './support.js';

const check = createDnsCheck();
let responder: DnsResponder;
const via = (input: Omit<DnsCheckInput, 'resolver'>) =>
  check.run({ ...input, resolver: responder.address }, liveContext());
const failure = (input: Omit<DnsCheckInput, 'resolver'>) =>
  via(input).then(
    () => expect.fail('expected dns.check to fail'),
    (e: unknown) => e as ActionError,
  );

beforeAll(async () => {
  responder = await startDnsResponder({
    answers: {
      'app.firstline.test A': [
        { name: 'app.firstline.test', type: 'A', ttl: 300, data: '10.0.0.1' },
        { name: 'app.firstline.test', type: 'A', ttl: 60, data: '10.0.0.2' },
      ],
      'app.firstline.test AAAA': [
        { name: 'app.firstline.test', type: 'AAAA', ttl: 300, data: '2001:db8::1' },
      ],
      'app.firstline.test TXT': [
        { name: 'app.firstline.test', type: 'TXT', ttl: 300, data: ['v=spf1 ', '-all'] },
      ],
      'app.firstline.test MX': [
        {
          name: 'app.firstline.test',
          type: 'MX',
          ttl: 300,
          data: { preference: 10, exchange: 'mail.firstline.test' },
        },
      ],
      'www.firstline.test CNAME': [
        { name: 'www.firstline.test', type: 'CNAME', ttl: 300, data: 'app.firstline.test' },
      ],
      'broken.firstline.test A': [],
    },
    rcodes: { 'broken.firstline.test': 'SERVFAIL' },
  });
});
afterAll(() => responder.close());

describe('dns.check against a local DNS responder (dns-packet over UDP)', () => {
  it('resolves A records with their lowest TTL, and checks an expected answer', async () => {
    const output = await via({ name: 'app.firstline.test', expectAnswer: '10.0.0.2' });
    expect(output).toMatchObject({
      type: 'A',
      answers: ['10.0.0.1', '10.0.0.2'],
      ttl: 60,
      resolver: responder.address,
    });
    expect(output.latencyMs).toBeGreaterThan(0);
    expect(responder.asked).toContain('app.firstline.test A');
  });

  it('resolves AAAA (expected answers compared in canonical form), TXT, MX and CNAME', async () => {
    const v6 = await via({ name: 'app.firstline.test', type: 'AAAA', expectAnswer: '2001:0db8:0:0::1' });
    expect(v6.answers).toEqual(['2001:db8::1']);
    expect(
      (await via({ name: 'app.firstline.test', type: 'TXT', expectAnswer: 'v=spf1 -all' })).answers,
    ).toEqual(['v=spf1 -all']);
    expect((await via({ name: 'app.firstline.test', type: 'MX' })).answers).toEqual([
      '10 mail.firstline.test',
    ]);
    const cname = await via({
      name: 'www.firstline.test',
      type: 'CNAME',
      expectAnswer: 'APP.firstline.test.',
    });
    expect(cname.answers).toEqual(['app.firstline.test']);
  });

  it('fails an expected answer that is not there, naming what came back', async () => {
    const error = await failure({ name: 'app.firstline.test', expectAnswer: ['10.0.0.1', '10.9.9.9'] });
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toContain('expected "10.9.9.9" among the answers, got "10.0.0.1", "10.0.0.2"');
  });

  it('reports NXDOMAIN, NODATA and SERVFAIL with their codes and retry advice', async () => {
    const nx = await failure({ name: 'nope.firstline.test' });
    expect(nx.message).toContain('NXDOMAIN');
    expect(nx.message).toContain('(ENOTFOUND)');
    expect(nx.retry.retryable).toBe(false);
    const nodata = await failure({ name: 'www.firstline.test', type: 'TXT' });
    expect(nodata.message).toContain('NODATA');
    const servfail = await failure({ name: 'broken.firstline.test' });
    expect(servfail.message).toContain('SERVFAIL');
    expect(servfail.retry).toEqual({ retryable: true, kind: '5xx' });
    // Each is a finding about the name: the verdict `fail`.
    expect([nx, nodata, servfail].map((e) => e.verdict)).toEqual([true, true, true]);
  });

  it('reports a resolver that does not answer as a timeout', async () => {
    const silent = await startDnsResponder({ answers: {} });
    await silent.close();
    const error = await check
      .run({ name: 'app.firstline.test', resolver: silent.address, timeout: '100ms' }, liveContext())
      .then(
        () => expect.fail('expected a failure'),
        (e: unknown) => e as ActionError,
      );
    expect(error.message).toMatch(/ETIMEOUT|ECONNREFUSED/);
    expect(error.retry.retryable).toBe(true);
    // Nothing was learnt about the name: `error`, not a verdict.
    expect(error.verdict).toBe(false);
  });
});

describe('dns.check with the system resolver', () => {
  it('resolves localhost', async () => {
    const output = await check.run({ name: 'localhost', expectAnswer: '127.0.0.1' }, liveContext());
    expect(output).toMatchObject({ resolver: 'system', type: 'A' });
    expect(output.answers).toContain('127.0.0.1');
  });
});

describe('dns.check through the engine', () => {
  it('runs live with expect over its output', async () => {
    const result = await runLive(
      {
        firstline: 1,
        name: 'dns',
        steps: [
          {
            id: 'record',
            action: 'dns.check',
            with: { name: 'app.firstline.test', resolver: responder.address, expectAnswer: '10.0.0.1' },
            expect: "output.latencyMs < 500 and '10.0.0.2' in output.answers",
          },
        ],
      },
      [check],
    );
    expect(result.steps.record?.outcome).toBe('pass');
  });
});
