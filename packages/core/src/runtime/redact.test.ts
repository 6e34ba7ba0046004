import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor, runRedactor } from './redact.js';

const TOKEN = 'fake-token-123';

describe('createRedactor: strings', () => {
  it('replaces every occurrence of a secret', () => {
    const r = createRedactor([TOKEN]);
    expect(r.active).toBe(true);
    expect(r.string(`Bearer ${TOKEN} and again ${TOKEN}.`)).toBe(`Bearer ${REDACTED} and again ${REDACTED}.`);
    expect(r.string('nothing secret here')).toBe('nothing secret here');
  });

  it('replaces the JSON-escaped form', () => {
    const secret = 'fake"quote\\slash\nline';
    const r = createRedactor([secret]);
    expect(r.string(JSON.stringify({ body: secret }))).toBe(`{"body":"${REDACTED}"}`);
  });

  it('replaces the URI-encoded form, in either hex case, and the form-encoded one', () => {
    const secret = 'fake/token+123 =x';
    const r = createRedactor([secret]);
    const encoded = encodeURIComponent(secret);
    expect(encoded).toBe('fake%2Ftoken%2B123%20%3Dx');
    expect(r.string(`https://api.example.test/v1?token=${encoded}&page=2`)).toBe(
      `https://api.example.test/v1?token=${REDACTED}&page=2`,
    );
    expect(r.string(`?token=${encoded.toLowerCase()}`)).toBe(`?token=${REDACTED}`);
    const form = new URLSearchParams({ token: secret }).toString();
    expect(form).toBe('token=fake%2Ftoken%2B123+%3Dx');
    expect(r.string(form)).toBe(`token=${REDACTED}`);
  });

  it('replaces standard and url-safe base64, with or without padding', () => {
    const secret = 'fake-token?>?~~'; // encodes to '+' characters in standard base64, no padding
    const standard = Buffer.from(secret).toString('base64');
    const urlSafe = Buffer.from(secret).toString('base64url');
    expect(standard).not.toBe(urlSafe);
    const r = createRedactor([secret]);
    expect(r.string(`Authorization: Basic ${standard}`)).toBe(`Authorization: Basic ${REDACTED}`);
    expect(r.string(`state=${urlSafe}`)).toBe(`state=${REDACTED}`);
    const padded = Buffer.from(TOKEN).toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    expect(createRedactor([TOKEN]).string(`x ${padded} y`)).toBe(`x ${REDACTED}= y`);
  });

  it('replaces a secret containing another one whole, whatever the order given', () => {
    const r = createRedactor(['fake', 'fake-token-123-long']);
    expect(r.string('a fake-token-123-long b fake c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it('merges overlapping secrets into one replacement', () => {
    const r = createRedactor(['fake-token', 'token-123']);
    expect(r.string('x fake-token-123 y')).toBe(`x ${REDACTED} y`);
  });

  it('treats regex metacharacters in secrets literally', () => {
    const r = createRedactor(['fake.*(token)?[1]']);
    expect(r.string('fake-token-1 fake.*(token)?[1]')).toBe(`fake-token-1 ${REDACTED}`);
  });

  it('redacts a short secret wherever it occurs, since resolution refuses one and an API caller chose it', () => {
    const r = createRedactor(['abc']);
    expect(r.active).toBe(true);
    expect(r.string('abc')).toBe(REDACTED);
    expect(r.string('xABCdef and abc')).toBe(`x${REDACTED}def and ${REDACTED}`);
    expect(r.value({ pin: 'abc', note: 'abc123' })).toEqual({ pin: REDACTED, note: `${REDACTED}123` });
  });
});

describe('createRedactor: values', () => {
  const r = createRedactor([TOKEN]);

  it('deep-copies nested data, redacting strings and keys and keeping other scalars', () => {
    const input = {
      headers: { authorization: `Bearer ${TOKEN}`, [`x-${TOKEN}`]: 'key holds it' },
      list: [1, true, null, TOKEN, { deeper: [`${TOKEN}!`] }],
      count: 3,
      missing: undefined,
    };
    const out = r.value(input);
    expect(out).toEqual({
      headers: { authorization: `Bearer ${REDACTED}`, [`x-${REDACTED}`]: 'key holds it' },
      list: [1, true, null, REDACTED, { deeper: [`${REDACTED}!`] }],
      count: 3,
      missing: undefined,
    });
    expect(out).not.toBe(input);
    expect(out.list).not.toBe(input.list);
    expect(input.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('replaces a cycle with [circular] but copies a shared reference twice', () => {
    const shared = { note: TOKEN };
    const node: Record<string, unknown> = { name: 'root', a: shared, b: shared };
    node.self = node;
    node.list = [node];
    expect(r.value(node)).toEqual({
      name: 'root',
      a: { note: REDACTED },
      b: { note: REDACTED },
      self: '[circular]',
      list: ['[circular]'],
    });
  });

  it('turns Errors, Dates, Maps and Sets into plain data', () => {
    const out = r.value({
      err: new Error(`denied for ${TOKEN}`),
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      map: new Map<string, unknown>([[TOKEN, { v: TOKEN }]]),
      set: new Set([TOKEN, 2]),
      url: new URL(`https://example.test/?token=${TOKEN}`),
    });
    expect(out).toEqual({
      err: `denied for ${REDACTED}`,
      when: '2024-01-02T03:04:05.000Z',
      map: [[REDACTED, { v: REDACTED }]],
      set: [REDACTED, 2],
      url: `https://example.test/?token=${REDACTED}`,
    });
  });

  it('caps depth at 50 levels', () => {
    const root: Record<string, unknown> = {};
    let cursor = root;
    for (let i = 0; i < 60; i++) {
      const child: Record<string, unknown> = {};
      cursor.next = child;
      cursor = child;
    }
    let level: unknown = r.value(root);
    let depth = 0;
    while (typeof level === 'object' && level !== null) {
      level = (level as Record<string, unknown>).next;
      depth++;
    }
    expect(depth).toBe(50);
    expect(level).toBe('[too deep]');
  });

  it('copies a "__proto__" key as data without touching the prototype', () => {
    const input = JSON.parse(`{"__proto__": {"polluted": "${TOKEN}"}}`) as Record<string, unknown>;
    const out = r.value(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: REDACTED });
  });

  it('does not throw on a throwing getter', () => {
    const input = {
      ok: TOKEN,
      get bad(): string {
        throw new Error('getter failed');
      },
    };
    expect(r.value({ nested: input })).toEqual({ nested: '[unreadable]' });
  });
});

describe('createRedactor: errors', () => {
  const r = createRedactor([TOKEN]);

  it('returns the redacted message, never the stack, on one line', () => {
    const err = new Error(`request failed\n  token ${TOKEN} rejected`);
    expect(err.stack).toContain('redact.test');
    expect(r.error(err)).toBe(`request failed token ${REDACTED} rejected`);
  });

  it('redacts a token inside a URL query string in a message', () => {
    const err = new TypeError(`GET https://api.example.test/v2/items?limit=5&token=${TOKEN}&x=1 failed: 401`);
    expect(r.error(err)).toBe(
      `GET https://api.example.test/v2/items?limit=5&token=${REDACTED}&x=1 failed: 401`,
    );
  });

  it('joins the messages of an AggregateError', () => {
    const err = new AggregateError([new Error(`first ${TOKEN}`), new Error('second')], 'all failed');
    expect(r.error(err)).toBe(`all failed: first ${REDACTED}; second`);
  });

  it('uses String() for anything that is not an Error', () => {
    expect(r.error(`thrown ${TOKEN}`)).toBe(`thrown ${REDACTED}`);
    expect(r.error(42)).toBe('42');
    expect(r.error(undefined)).toBe('undefined');
    expect(r.error({ message: `object ${TOKEN}` })).toBe(`object ${REDACTED}`);
    expect(r.error(Object.create(null))).toBe('unknown error');
  });

  it('falls back to the error name when the message is empty', () => {
    expect(r.error(new RangeError(''))).toBe('RangeError');
  });
});

describe('createRedactor: no secrets', () => {
  it('is inactive and passes everything through', () => {
    const r = createRedactor(['', ...new Set<string>()]);
    expect(r.active).toBe(false);
    const text = `plain ${TOKEN}`;
    expect(r.string(text)).toBe(text);
    const data = { a: [1, 'two', { three: null }], b: TOKEN };
    const out = r.value(data);
    expect(out).toEqual({ a: [1, 'two', { three: null }], b: TOKEN });
    expect(r.value(7)).toBe(7);
    // Still a copy made safe to store: the same value must serialise with or without secrets.
    expect(out).not.toBe(data);
    const cyclic: Record<string, unknown> = { err: new Error('boom') };
    cyclic.self = cyclic;
    expect(r.value(cyclic)).toEqual({ err: 'boom', self: '[circular]' });
    expect(r.error(new Error(`boom ${TOKEN}`))).toBe(`boom ${TOKEN}`);
  });

  it('is one redactor for every run without secret values, and one per set of values otherwise', () => {
    expect(runRedactor([])).toBe(runRedactor([]));
    expect(runRedactor([]).active).toBe(false);
    expect(runRedactor([TOKEN])).toBe(runRedactor([TOKEN]));
    expect(runRedactor([TOKEN]).string(`x ${TOKEN}`)).toBe(`x ${REDACTED}`);
  });
});
