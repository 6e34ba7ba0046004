import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFileStore, createVirtualClock, resumeRun, runPlaybook } from '@firstline/core';
import type { AnyActionDefinition, RunRecord, RunResult, TraceEvent } from '@firstline/core';
import {
  createFixtureActions,
  fixturePlaybook,
  rebootCalls,
  RECHECK_MS,
  RUN_ID,
  setHealth,
  START_AT,
  storeDir,
} from './child.js';
import type { FrozenMarker } from './child.js';

// Each case SIGKILLs a real child process running the fixture playbook at one exact point (the child
// freezes itself there and says so on stdout), then resumes the run in this process from the same file
// store. A tsx child costs a second or more, so the kill points are few and run one after another.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
// The resuming host comes up a while after the crash: a wait in progress then has less time left.
const RESTART_MS = 30_000;
const REBOOT_KEY = `${RUN_ID}:reboot:1:1`;
/** The reboot's idempotency key as the action sees it: one per visit, the same for every attempt. */
const REBOOT_TOKEN = `${RUN_ID}:reboot:1`;
const KILL_POINT_TYPES = new Set(['step.end', 'wait.start', 'decision']);

interface ChildRun {
  events: TraceEvent[];
  marker?: FrozenMarker;
  done?: string;
  /** Lines that were neither events nor markers. */
  noise: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child on `dir`, SIGKILLs it as soon as it reports being frozen, and resolves on its exit. */
async function runChild(dir: string, flags: string[]): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ChildRun = { events: [], noise: [], code: null, signal: null, stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      run.noise.push(line);
      return;
    }
    if (typeof value === 'object' && value !== null && 'frozen' in value) {
      run.marker = value as FrozenMarker;
      child.kill('SIGKILL');
    } else if (typeof value === 'object' && value !== null && 'done' in value) {
      run.done = String(value.done);
    } else run.events.push(value as TraceEvent);
  });
  const [[code, signal]] = await Promise.all([
    once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>,
    once(lines, 'close'),
  ]);
  return { ...run, code, signal };
}

interface Resumed {
  stored: RunRecord;
  result: RunResult;
  /** What the resumed run streamed through onEvent. */
  streamed: TraceEvent[];
  after: RunRecord | undefined;
}

async function load(dir: string): Promise<RunRecord> {
  const record = await createFileStore(storeDir(dir)).load(RUN_ID);
  if (!record) throw new Error(`no stored record in ${dir}`);
  return record;
}

/** Resumes the run stored in `dir` here, with the same fake actions and a fresh virtual clock. */
async function resumeHere(dir: string, stored: RunRecord): Promise<Resumed> {
  const store = createFileStore(storeDir(dir));
  const streamed: TraceEvent[] = [];
  const result = await resumeRun(RUN_ID, {
    store,
    actions: createFixtureActions(dir),
    clock: createVirtualClock({ startAt: stored.updatedAt + RESTART_MS }),
    onEvent: (event) => streamed.push(event),
  });
  return { stored, result, streamed, after: await store.load(RUN_ID) };
}

const scratch: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'firstline-resume-'));
  scratch.push(dir);
  setHealth(dir, false);
  return dir;
}

let reference: RunResult;
let referenceDir: string;

beforeAll(async () => {
  referenceDir = freshDir();
  reference = await runPlaybook(fixturePlaybook(), {
    mode: 'live',
    actions: createFixtureActions(referenceDir),
    store: createFileStore(storeDir(referenceDir)),
    runId: RUN_ID,
    clock: createVirtualClock({ startAt: START_AT }),
  });
});

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** What holds after any kill and resume: killed, consistent trace, the reboot called exactly once. */
function expectCommon(label: string, dir: string, child: ChildRun, resumed: Resumed): void {
  const { stored, result, streamed, after } = resumed;
  expect(child.signal, `${label}: ${child.stderr}`).toBe('SIGKILL');
  expect(child.stderr, label).toBe('');
  expect(child.noise, label).toEqual([]);
  expect(child.done, label).toBeUndefined();
  // Same playbook, clock and id: the child printed exactly the uninterrupted run's first events.
  expect(child.events, label).toEqual(reference.trace.slice(0, child.events.length));
  expect(child.events.slice(0, stored.trace.length), label).toEqual(stored.trace);
  const n = stored.trace.length;
  expect(result.trace.slice(0, n), label).toEqual(stored.trace);
  expect(result.trace[n], label).toMatchObject({ type: 'run.resume', runId: RUN_ID, seq: n });
  expect(streamed, label).toEqual(result.trace.slice(n));
  expect(rebootCalls(dir), label).toEqual([REBOOT_TOKEN]);
  expect(after, label).toMatchObject({ status: 'done', outcome: result.outcome });
}

const afterResume = (r: Resumed) => r.streamed.slice(1);
const rebootAttempts = (events: TraceEvent[]) =>
  events.filter((e) => e.type === 'attempt.start' && e.step === 'reboot');

describe('a run killed in another process and resumed here', () => {
  test('the uninterrupted reference run recovers with one reboot', () => {
    expect(reference.outcome).toBe('recovered');
    expect(rebootCalls(referenceDir)).toEqual([REBOOT_TOKEN]);
    expect(reference.trace.filter((e) => KILL_POINT_TYPES.has(e.type)).map((e) => e.type)).toEqual([
      'step.end',
      'decision',
      'step.end',
      'wait.start',
      'step.end',
      'step.end',
      'decision',
    ]);
  });

  test('killed right after each step.end and decision, the run recovers with exactly one reboot', async () => {
    const points = reference.trace.filter((e) => e.type === 'step.end' || e.type === 'decision');
    const firstSideEffect = rebootAttempts(reference.trace)[0]!.seq;
    for (const point of points) {
      const label = `killed after #${point.seq} ${point.type}`;
      const dir = freshDir();
      const child = await runChild(dir, ['--freeze-at', String(point.seq)]);
      expect(child.marker, label).toEqual({ frozen: 'event', seq: point.seq });
      expect(child.events.at(-1), label).toEqual(point);
      const stored = await load(dir);
      // The initial snapshot is stored before the first step runs, so every kill point can resume.
      expect(stored.snapshot, label).toBeDefined();
      const resumed = await resumeHere(dir, stored);
      expectCommon(label, dir, child, resumed);
      expect(resumed.result.outcome, label).toBe(reference.outcome);
      expect(resumed.result.steps.reboot, label).toMatchObject({ outcome: 'pass' });
      expect(resumed.result.steps.reboot?.uncertain, label).toBeUndefined();
      expect(resumed.result.steps.health, label).toMatchObject({ outcome: 'pass', visits: 2 });
      // Killed after the reboot was journaled done: the resumed run says so and does not call it.
      if (point.seq > firstSideEffect) expect(rebootAttempts(afterResume(resumed)), label).toEqual([]);
    }
  }, 120_000);

  test('killed during the recheck wait, the resumed wait ends at the original absolute deadline', async () => {
    const dir = freshDir();
    const child = await runChild(dir, ['--freeze-when-waiting']);
    const original = reference.trace.find((e) => e.type === 'wait.start');
    if (original?.type !== 'wait.start') throw new Error('the reference run has no wait');
    expect(child.marker).toEqual({ frozen: 'waiting', until: original.until });
    const stored = await load(dir);
    expect(stored.deadlines.wake).toBe(original.until);
    expect(stored.trace).toContainEqual(original);
    // The resuming host starts 30 s into the 2-minute wait.
    expect(stored.updatedAt).toBe(original.at);
    const resumed = await resumeHere(dir, stored);
    expectCommon('killed while waiting', dir, child, resumed);
    const events = afterResume(resumed);
    const waitStart = events.find((e) => e.type === 'wait.start');
    expect(waitStart).toMatchObject({ until: original.until, durationMs: RECHECK_MS - RESTART_MS });
    expect(events.find((e) => e.type === 'wait.end')?.at).toBe(original.until);
    expect(rebootAttempts(events)).toEqual([]);
    expect(resumed.result.outcome).toBe('recovered');
    expect(resumed.result.durationMs).toBe(reference.durationMs);
  }, 60_000);

  test.each([
    { flags: [], tookEffect: false, outcome: 'unrecovered', decided: /checks still failing/ },
    {
      flags: ['--reboot-took-effect'],
      tookEffect: true,
      outcome: 'recovered',
      decided: /every check passed after remediation/,
    },
  ])(
    'killed inside the reboot (took effect: $tookEffect): uncertain, not repeated, the recheck decides $outcome',
    async ({ flags, outcome, decided }) => {
      const dir = freshDir();
      const child = await runChild(dir, ['--hang-in-reboot', ...flags]);
      expect(child.marker).toEqual({ frozen: 'reboot' });
      expect(child.events.at(-1)).toMatchObject({ type: 'attempt.start', step: 'reboot' });
      const stored = await load(dir);
      expect(stored.journal).toEqual([expect.objectContaining({ key: REBOOT_KEY, status: 'started' })]);
      const resumed = await resumeHere(dir, stored);
      expectCommon('killed inside the reboot', dir, child, resumed);
      const { result } = resumed;
      const events = afterResume(resumed);
      expect(result.steps.reboot).toMatchObject({ outcome: 'pass', uncertain: true });
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'step.end', step: 'reboot', uncertain: true }),
      );
      expect(rebootAttempts(events)).toEqual([]);
      // The recheck ran after the uncertain reboot and its result decided the outcome.
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'step.start', step: 'health', visit: 2 }),
      );
      expect(result.steps.health).toMatchObject({
        visits: 2,
        outcome: outcome === 'recovered' ? 'pass' : 'fail',
      });
      expect(result.outcome).toBe(outcome);
      const decisions = events.filter((e) => e.type === 'decision');
      expect(decisions[0]).toMatchObject({
        step: 'reboot',
        message: expect.stringMatching(/not repeated/) as unknown,
      });
      expect(decisions.at(-1)).toMatchObject({ message: expect.stringMatching(decided) as unknown });
    },
    60_000,
  );
});

describe('resumeRun on stored runs', () => {
  test('a finished run returns its stored result without calling any action', async () => {
    const calls: string[] = [];
    const counting = createFixtureActions(referenceDir).map((def): AnyActionDefinition => ({
      ...def,
      run: (input, ctx) => {
        calls.push(def.id);
        return def.run(input, ctx);
      },
    }));
    const store = createFileStore(storeDir(referenceDir));
    const before = await load(referenceDir);
    const result = await resumeRun(RUN_ID, { store, actions: counting, clock: createVirtualClock() });
    expect(calls).toEqual([]);
    expect(result.outcome).toBe('recovered');
    expect(result.trace).toEqual(reference.trace);
    expect(result.steps).toEqual(reference.steps);
    expect(result.durationMs).toBe(reference.durationMs);
    expect(rebootCalls(referenceDir)).toEqual([REBOOT_TOKEN]);
    expect(await load(referenceDir)).toEqual(before);
  });

  test('an unknown run id is E_RUN_NOT_FOUND', async () => {
    await expect(
      resumeRun('no-such-run', { store: createFileStore(storeDir(referenceDir)) }),
    ).rejects.toMatchObject({
      code: 'E_RUN_NOT_FOUND',
      message: expect.stringContaining('no-such-run') as unknown,
    });
  });

  test('expectHash must match the stored playbook hash (E_RUN_CONFLICT otherwise)', async () => {
    const store = createFileStore(storeDir(referenceDir));
    const hash = (await load(referenceDir)).playbook.hash;
    await expect(resumeRun(RUN_ID, { store, expectHash: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'E_RUN_CONFLICT',
      message: expect.stringMatching(/another version of resume-fixture/) as unknown,
    });
    await expect(resumeRun(RUN_ID, { store, expectHash: hash })).resolves.toMatchObject({
      outcome: 'recovered',
    });
  });
});
