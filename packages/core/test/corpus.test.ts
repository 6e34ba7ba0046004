import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPlaybook,
  ISSUE_CODES,
  LOAD_LIMITS,
  parsePlaybook,
  PlaybookInvalid,
  tryParsePlaybook,
  validatePlaybook,
} from '@firstline/core';
import type { CheckResult, Issue } from '@firstline/core';
import { fixtureRegistry } from './fixtures/actions.js';

/**
 * The bad-input corpus: every file under fixtures/invalid (and every generated input below) is
 * checked against the exact list of error issues that fixtures/invalid/cases.json expects, with
 * line and column. Inputs that must not be committed (too large, binary, pathological) are built
 * here from a name in the manifest.
 */

const dir = fileURLToPath(new URL('./fixtures/invalid/', import.meta.url));

interface Expected {
  code: string;
  line: number;
  column: number;
}
type Entry = Expected[] | { generate: string; issues: Expected[] };

const manifest = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<string, Entry>;
const actions = fixtureRegistry();
const encode = (text: string) => new TextEncoder().encode(text);

// The same five opening lines for the generated inputs, so their positions are easy to read.
const HEAD = 'firstline: 1\nname: web-first-line\nchecks:\n  - id: url\n    action: test.http.check\n';

// Tokens are assembled here, never written out whole, so no scanner mistakes the repository for a leak.
const slackToken = 'xox' + 'b-' + '1234567890' + '-abcdefghij';
const githubToken = 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2';
const awsKeyId = 'AK' + 'IA' + 'ABCDEFGHIJ234567';

const generators: Record<string, () => Uint8Array> = {
  // One byte over the limit: the size is checked before anything is decoded or parsed.
  'too-large': () => {
    const bytes = encode(HEAD + '    with: { url: "https://app.example.com/health" }\n');
    const out = new Uint8Array(LOAD_LIMITS.maxBytes + 1).fill(0x23); // '#': the rest is one long comment
    out.set(bytes);
    out[bytes.length] = 0x0a;
    return out;
  },
  // Latin-1 "café" on line 6: 0xE9 alone is not UTF-8.
  'non-utf8': () =>
    Uint8Array.from([
      ...encode(HEAD + '    with: { url: "https://caf'),
      0xe9,
      ...encode('.example.com/health" }\n'),
    ]),
  'utf16le-bom': () => Uint8Array.from([0xff, 0xfe, ...Buffer.from(HEAD, 'utf16le')]),
  'utf16be-bom': () => Uint8Array.from([0xfe, 0xff, ...Buffer.from(HEAD, 'utf16le').swap16()]),
  'nul-byte': () => encode(HEAD + '    with: { url: "https://app\0.example.com/health" }\n'),
  // Ten levels of ten aliases each would expand to 10^10 values; the loader stops at LOAD_LIMITS.maxNodes.
  'billion-laughs': () => {
    let text = HEAD + '    with:\n      url: "https://app.example.com/health"\n';
    text += `      a0: &a0 [${Array<string>(10).fill('lol').join(', ')}]\n`;
    for (let i = 1; i < 10; i++)
      text += `      a${i}: &a${i} [${Array<string>(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    return encode(text);
  },
  // Ten thousand aliases of one anchor: cheap to expand, but must not cost a walk of the document each.
  'many-aliases': () => {
    let text = HEAD + '    with: { url: "https://app.example.com/health" }\nremediate:\n  - id: reboot\n';
    text += '    action: test.ec2.reboot\n    with:\n      instanceIds:\n        - &id i-0abc1234\n';
    text += '        - *id\n'.repeat(10_000);
    return encode(text + 'recheck: { after: 2m }\n');
  },
  // Block mappings 70 levels deep under an input default (line 7 holds k0 at depth 4).
  'deep-block': () => {
    let text = 'firstline: 1\nname: deep\ninputs:\n  x:\n    type: object\n    default:\n';
    for (let i = 0; i < 70; i++) text += `${' '.repeat(6 + 2 * i)}k${i}:\n`;
    return encode(`${text}${' '.repeat(146)}v: 1\n`);
  },
  // Flow brackets 71 deep: caught before the parser, whose recursion they would exhaust.
  'deep-flow': () =>
    encode(
      `firstline: 1\nname: deep\ninputs:\n  x: { type: array, default: ${'['.repeat(70)}${']'.repeat(70)} }\n`,
    ),
  // Credentials recognised by their shape, wherever they are written (three at once).
  'token-shaped': () =>
    encode(
      [
        'firstline: 1',
        'name: web-first-line',
        'inputs:',
        `  accessKey: { type: string, default: ${awsKeyId} }`,
        'checks:',
        '  - id: url',
        '    action: test.http.check',
        '    with: { url: "https://app.example.com/health" }',
        'notify:',
        '  healthy:',
        '    - action: test.chat.post',
        `      with: { channel: "#ops", text: "all good", token: "${slackToken}" }`,
        '    - action: core.log',
        `      with: { message: "pushed with ${githubToken}" }`,
        '',
      ].join('\n'),
    ),
};

function errorsOf(result: CheckResult): Expected[] {
  return result.issues
    .filter((i) => i.severity === 'error')
    .map(({ code, line, column }) => ({ code, line, column }));
}

function expectPlainMessages(issues: Issue[]): void {
  for (const issue of issues) {
    expect(issue.message.trim().length, issue.code).toBeGreaterThan(0);
    expect(issue.message, issue.code).not.toMatch(/[\r\n]/);
    expect(issue.message, issue.code).not.toMatch(/ {4}at |\bError:|\[object Object\]|undefined/);
    expect(Number.isInteger(issue.line) && issue.line >= 1, issue.code).toBe(true);
    expect(Number.isInteger(issue.column) && issue.column >= 1, issue.code).toBe(true);
    expect(Object.keys(ISSUE_CODES)).toContain(issue.code);
  }
}

async function timedCheck(source: Parameters<typeof checkPlaybook>[0]): Promise<CheckResult> {
  const started = process.cpuUsage();
  const result = await checkPlaybook(source, { actions });
  // The one timing assertion allowed: a guard against pathological inputs, not a benchmark. CPU time of this
  // process, not wall time: on a loaded machine other processes' work made the wall clock pass 1 s.
  const { user, system } = process.cpuUsage(started);
  expect((user + system) / 1000).toBeLessThan(1000);
  return result;
}

const fileCases = Object.entries(manifest).filter((e): e is [string, Expected[]] => Array.isArray(e[1]));
const generatedCases = Object.entries(manifest).flatMap(([name, entry]) =>
  Array.isArray(entry) ? [] : [{ name, ...entry }],
);

describe('bad-input corpus: files', () => {
  it('has an entry for every file, and a file for every entry', () => {
    const files = readdirSync(dir).filter((f) => f !== 'cases.json');
    expect(files.sort()).toEqual(fileCases.map(([name]) => name).sort());
    expect(files.length + generatedCases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fileCases)('%s', async (name, expected) => {
    const path = join(dir, name);
    // Loading from the path and from the text must agree; neither may throw.
    const result = await timedCheck(path);
    expect(errorsOf(result)).toEqual(expected);
    expect(result.ok).toBe(false);
    expectPlainMessages(result.issues);
    const fromText = await checkPlaybook({ text: readFileSync(path) }, { actions });
    expect(errorsOf(fromText)).toEqual(expected);
  });
});

describe('bad-input corpus: generated inputs', () => {
  it('names a generator for every generated entry', () => {
    expect(generatedCases.map((c) => c.generate).sort()).toEqual(Object.keys(generators).sort());
  });

  it.each(generatedCases)('$name', async ({ generate, issues: expected }) => {
    const make = generators[generate];
    if (!make) throw new Error(`no generator "${generate}"`);
    const result = await timedCheck({ text: make() });
    expect(errorsOf(result)).toEqual(expected);
    expect(result.ok).toBe(expected.length === 0);
    expectPlainMessages(result.issues);
  });

  it('never repeats a credential in the message that reports it', async () => {
    const generate = generators['token-shaped'];
    if (!generate) throw new Error('no token-shaped generator');
    const result = await checkPlaybook({ text: generate() }, { actions });
    const text = result.issues.map((i) => i.message).join('\n');
    for (const secret of [slackToken, githubToken, awsKeyId]) expect(text).not.toContain(secret);
  });
});

describe('bad-input corpus: details', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'firstline-corpus-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('rejects a file over the size limit from its size, without reading it', async () => {
    const generate = generators['too-large'];
    if (!generate) throw new Error('no too-large generator');
    const path = join(tmp, 'too-large.yaml');
    await writeFile(path, generate());
    const result = await timedCheck(path);
    expect(errorsOf(result)).toEqual([{ code: 'E_TOO_LARGE', line: 1, column: 1 }]);
  });

  it('keeps __proto__ as data and leaves Object.prototype alone', async () => {
    const text = readFileSync(join(dir, 'proto-key.yaml'), 'utf8');
    const result = await checkPlaybook({ text }, { actions });
    expect(result.playbook).toBeDefined();
    const data = result.playbook?.data as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ polluted: true });
    const step = (data.checks as Array<{ with: Record<string, unknown> }>)[0]!;
    expect(Object.prototype.hasOwnProperty.call(step.with, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(step.with)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reports every problem of a file at once, in document order', async () => {
    const result = await checkPlaybook(join(dir, 'many-problems.yaml'), { actions });
    const positions = result.issues.map((i) => [i.line, i.column] as const);
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(positions).toEqual(sorted);
    expect(new Set(result.issues.map((i) => i.code)).size).toBeGreaterThanOrEqual(8);
  });

  it('suggests the near miss for misspelt keys, actions and step ids', async () => {
    const message = async (file: string) =>
      (await checkPlaybook(join(dir, file), { actions })).issues[0]?.message ?? '';
    expect(await message('unknown-key-remediation.yaml')).toContain('"remediate"');
    expect(await message('unknown-action.yaml')).toContain('"test.http.check"');
    expect(await message('unknown-step-on-fail.yaml')).toContain('"escalate"');
    expect(await message('unknown-scope-root.yaml')).toContain('"inputs"');
  });

  it('reports the three kinds of `with` problems against the action input schema', async () => {
    const result = await checkPlaybook(join(dir, 'action-input-schema.yaml'), { actions });
    expect(result.issues.map((i) => i.path)).toEqual([
      'remediate[0].with',
      'remediate[0].with.instances',
      'remediate[0].with.force',
    ]);
    expect(result.issues[0]?.message).toContain('instanceIds');
    expect(result.issues[1]?.message).toContain('"instanceIds"');
    expect(result.issues[2]?.message).toMatch(/boolean/);
  });

  it('gives the same answers through the synchronous API', () => {
    for (const [name, expected] of fileCases) {
      const bytes = readFileSync(join(dir, name));
      const parsed = tryParsePlaybook(bytes);
      const issues = parsed.ok ? validatePlaybook(parsed.playbook, { actions }).issues : parsed.issues;
      expect(errorsOf({ ok: false, issues }), name).toEqual(expected);
      if (!parsed.ok) expect(() => parsePlaybook(bytes)).toThrow(PlaybookInvalid);
    }
  });

  it('keeps counting lines after a token the YAML parser could not place', () => {
    // yaml's own line counter skips the newline inside the misplaced "1\n  quorum" token, which
    // once put every later issue one line too early.
    const text =
      '# comment\n  parallel: true\nname: demo\nchecks:\nfirstline: 1\n  quorum: 2\nsteps:\n  - id: a\n';
    const lines = text.split('\n');
    const result = tryParsePlaybook(text);
    const named = result.issues.flatMap((issue) => {
      const token = /token in YAML stream: "([^"\\]+)"$/.exec(issue.message)?.[1];
      return token ? [{ token, at: lines[issue.line - 1]?.slice(issue.column - 1) ?? '' }] : [];
    });
    expect(named.length).toBeGreaterThan(8);
    for (const { token, at } of named) expect(at.startsWith(token), `${token} at "${at}"`).toBe(true);
    expect(result.issues.find((i) => i.message.includes('"steps"'))).toMatchObject({ line: 7, column: 1 });
  });

  it('points at the tag itself, and reports a tag once however often an alias repeats it', () => {
    const text = 'firstline: 1\nname: demo\ninputs:\n  x: &ref !Ref Name\n  y: [*ref, *ref, *ref]\n';
    const { issues } = tryParsePlaybook(text);
    expect(issues.map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: 'E_YAML_TAG', line: 4, column: 11 },
    ]);
  });
});
