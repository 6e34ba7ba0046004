import { describe, expect, it } from 'vitest';
import { isFirstlineError } from '../errors.js';
import { createVirtualClock, driveVirtualClock, systemClock, VIRTUAL_CLOCK_START } from './clock.js';
import type { VirtualClock } from './types.js';

const MINUTE = 60_000;
const sleep = (clock: VirtualClock, ms: number) =>
  new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

describe('systemClock', () => {
  it('reads the wall clock and clears timers it set', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    let fired = false;
    const handle = systemClock.setTimeout(() => (fired = true), 60_000);
    systemClock.clearTimeout(handle);
    expect(fired).toBe(false);
  });
});

describe('createVirtualClock', () => {
  it('starts at a fixed instant, or where told', () => {
    expect(VIRTUAL_CLOCK_START).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(createVirtualClock().now()).toBe(VIRTUAL_CLOCK_START);
    expect(createVirtualClock({ startAt: 1000 }).now()).toBe(1000);
    expect(createVirtualClock().virtual).toBe(true);
  });

  it('fires timers in due-time order, moving time to each', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    expect(clock.pending()).toBe(3);
    expect(clock.nextDue()).toBe(100);

    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual([['a', 100]]);
    expect(clock.advanceToNext()).toBe(true);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
      ['c', 300],
    ]);
    expect(clock.advanceToNext()).toBe(false);
    expect(clock.now()).toBe(300);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('fires timers due at the same time in the order they were set', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: number[] = [];
    // Enough timers to exercise the heap's reordering, all but the first due at the same time.
    clock.setTimeout(() => fired.push(-1), 10);
    for (let i = 0; i < 50; i++) clock.setTimeout(() => fired.push(i), 20);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual([-1]);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual([-1, ...Array.from({ length: 50 }, (_, i) => i)]);
    expect(clock.pending()).toBe(0);
  });

  it('treats zero, negative and NaN delays as due now, never firing inside setTimeout', () => {
    const clock = createVirtualClock({ startAt: 500 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('zero'), 0);
    clock.setTimeout(() => fired.push('negative'), -5);
    clock.setTimeout(() => fired.push('nan'), Number.NaN);
    expect(fired).toEqual([]);
    expect(clock.nextDue()).toBe(500);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual(['zero', 'negative', 'nan']);
    expect(clock.now()).toBe(500);
  });

  it('fires timers set for the same instant by a firing callback in the same advance', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => {
      fired.push(['outer', clock.now()]);
      clock.setTimeout(() => fired.push(['same-time', clock.now()]), 0);
      clock.setTimeout(() => fired.push(['later', clock.now()]), 5);
    }, 10);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired).toEqual([
      ['outer', 10],
      ['same-time', 10],
    ]);
    expect(clock.nextDue()).toBe(15);
    expect(clock.advanceToNext()).toBe(true);
    expect(fired.at(-1)).toEqual(['later', 15]);
  });

  it('advance(ms) fires everything due on the way, in order, then lands on now + ms', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 50);
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['nested', clock.now()]), 20);
    }, 10);
    clock.setTimeout(() => fired.push(['edge', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['beyond', clock.now()]), 101);

    clock.advance(100);
    expect(fired).toEqual([
      ['a', 10],
      ['nested', 30],
      ['b', 50],
      ['edge', 100],
    ]);
    expect(clock.now()).toBe(100);
    expect(clock.pending()).toBe(1);

    clock.advance(0);
    expect(clock.pending()).toBe(1);
    clock.advance(1);
    expect(fired.at(-1)).toEqual(['beyond', 101]);
    expect(() => clock.advance(-1)).toThrow(/cannot advance/);
    expect(() => clock.advance(Number.NaN)).toThrow(/cannot advance/);
  });

  it('clearTimeout cancels a pending timer and ignores unknown or spent handles', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const other = createVirtualClock({ startAt: 0 });
    const fired: string[] = [];
    const handles = ['a', 'b', 'c', 'd', 'e'].map((name, i) =>
      clock.setTimeout(() => fired.push(name), (i + 1) * 10),
    );
    const foreign = other.setTimeout(() => fired.push('other'), 10);

    clock.clearTimeout(handles[1]);
    clock.clearTimeout(handles[3]);
    clock.clearTimeout(handles[1]);
    clock.clearTimeout(foreign);
    for (const junk of [undefined, null, 42, 'x', {}]) clock.clearTimeout(junk);
    expect(clock.pending()).toBe(3);
    expect(other.pending()).toBe(1);

    clock.advance(100);
    expect(fired).toEqual(['a', 'c', 'e']);
    clock.clearTimeout(handles[0]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps the heap ordered through interleaved sets and clears', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: number[] = [];
    const handles = new Map<number, unknown>();
    // A fixed pseudo-random sequence: deterministic, but scrambled enough to hit every heap path.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++)
      handles.set(
        i,
        clock.setTimeout(() => fired.push(i), next() % 1000),
      );
    const cleared = new Set<number>();
    for (let i = 0; i < 500; i += 3) {
      clock.clearTimeout(handles.get(i));
      cleared.add(i);
    }
    const dueOf = new Map<number, number>();
    seed = 7;
    for (let i = 0; i < 500; i++) dueOf.set(i, next() % 1000);
    const expected = [...dueOf.keys()]
      .filter((i) => !cleared.has(i))
      .sort((a, b) => dueOf.get(a)! - dueOf.get(b)! || a - b);

    clock.advance(1000);
    expect(fired).toEqual(expected);
  });

  it('stays consistent when a callback throws, and fires the rest on the next advance', () => {
    const clock = createVirtualClock({ startAt: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('first'), 10);
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 20);
    clock.setTimeout(() => fired.push('same-time'), 20);
    clock.setTimeout(() => fired.push('last'), 30);

    expect(() => clock.advance(100)).toThrow('boom');
    expect(clock.now()).toBe(20);
    expect(clock.pending()).toBe(2);
    expect(clock.nextDue()).toBe(20);

    clock.advance(80);
    expect(fired).toEqual(['first', 'same-time', 'last']);
    expect(clock.now()).toBe(100);
    expect(clock.pending()).toBe(0);
  });
});

describe('driveVirtualClock', () => {
  it('runs a chain of awaited virtual sleeps to the end in one call', async () => {
    const clock = createVirtualClock();
    const start = clock.now();
    const wokeAt: number[] = [];
    let finished = false;
    const work = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10 * MINUTE);
        wokeAt.push(clock.now() - start);
      }
      finished = true;
    })();

    await driveVirtualClock(clock, () => finished);
    await work;
    expect(finished).toBe(true);
    expect(wokeAt).toEqual([10 * MINUTE, 20 * MINUTE, 30 * MINUTE]);
    expect(clock.now()).toBe(start + 30 * MINUTE);
  });

  it('does not advance past the point where done() became true', async () => {
    const clock = createVirtualClock({ startAt: 0 });
    let finished = false;
    clock.setTimeout(() => (finished = true), 5);
    clock.setTimeout(() => {}, 1_000);
    await driveVirtualClock(clock, () => finished);
    expect(clock.now()).toBe(5);
    expect(clock.pending()).toBe(1);
  });

  it('returns when nothing is pending and the work is not done', async () => {
    const clock = createVirtualClock({ startAt: 0 });
    await expect(driveVirtualClock(clock, () => false)).resolves.toBeUndefined();
    expect(clock.now()).toBe(0);
  });

  it('stops when the signal aborts', async () => {
    const clock = createVirtualClock({ startAt: 0 });
    const tick = () => clock.setTimeout(tick, 1_000);
    tick();
    const controller = new AbortController();
    controller.abort();
    await driveVirtualClock(clock, () => false, { signal: controller.signal });
    expect(clock.now()).toBe(0);
  });

  it('throws E_SIMULATION after maxSteps when the clock never settles', async () => {
    const clock = createVirtualClock({ startAt: 0 });
    const tick = () => clock.setTimeout(tick, 1_000);
    tick();
    const error: unknown = await driveVirtualClock(clock, () => false, { maxSteps: 25 }).catch(
      (e: unknown) => e,
    );
    expect(isFirstlineError(error) && error.code).toBe('E_SIMULATION');
    expect((error as Error).message).toBe('virtual clock did not settle after 25 steps');
    expect(clock.now()).toBe(25_000);
  });
});
