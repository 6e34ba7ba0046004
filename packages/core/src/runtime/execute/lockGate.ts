import type { Clock } from '../../actions/types.js';
import type { LockSettings } from '../../compile/ir.js';
import { driveVirtualClock, isVirtualClock } from '../clock.js';
import { takeLock } from '../safety.js';
import type { RunStore, SkipReason } from '../types.js';
import type { RecordWriter } from './recordWriter.js';

/** What the lock gate decided: go on (holding the lock until `expiresAt`), skip, or hand the run back. */
export type GateResult =
  { go: true; expiresAt?: number } | { go: false; skip: SkipReason } | { go: false; handBack: true };

/** What the gate needs to take a run's resource lock. */
export interface LockGate {
  store: RunStore & Required<Pick<RunStore, 'lock'>>;
  settings: LockSettings;
  key: string;
  runId: string;
  clock: Clock;
  writer: RecordWriter;
  decide: (message: string) => void;
  /** Cancels the run (stops queueing). */
  signal?: AbortSignal;
  /** Hands the run back (stops queueing; the run is stored, not skipped). Only where it can be handed back. */
  suspend?: AbortSignal;
  /** Queue no later than this clock time. */
  until?: number;
}

/**
 * Takes the run's resource lock before its first step. A host that asked for the run back before it
 * got going (a service shutting down) gets it stored, not skipped.
 */
export async function passLockGate(gate: LockGate): Promise<GateResult> {
  const handBack = () => gate.suspend?.aborted === true;
  if (handBack()) return { go: false, handBack: true };
  let done = false;
  const stops = [gate.signal, gate.suspend].filter((s) => s !== undefined);
  const taking = takeLock({
    store: gate.store,
    settings: gate.settings,
    key: gate.key,
    runId: gate.runId,
    clock: gate.clock,
    decide: gate.decide,
    ...(stops.length > 0 && { signal: AbortSignal.any(stops) }),
    ...(gate.until !== undefined && { until: gate.until }),
    busy: (delta) => gate.writer.track(delta),
  }).finally(() => (done = true));
  if (isVirtualClock(gate.clock))
    await driveVirtualClock(gate.clock, () => done, { busy: () => gate.writer.busy() });
  const taken = await taking;
  if (taken.ok) return { go: true, expiresAt: taken.expiresAt };
  return handBack() ? { go: false, handBack: true } : { go: false, skip: taken.skip };
}
