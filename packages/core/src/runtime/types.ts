import type { Clock } from '../actions/types.js';
import type { StepOutcome } from '../format/types.js';
import type { Inconclusive } from '../compile/inconclusive.js';
import type { LoopWatch } from '../compile/loopWatch.js';
import type { SynthesisSource } from './synthesize/index.js';

/** How a run treats side effects: for real, planned only (probes still real), or not at all (scripted). */
export type RunMode = 'live' | 'shadow' | 'simulate';

/** A clock whose time moves only when told to: simulations and tests run hours of waits in milliseconds. */
export interface VirtualClock extends Clock {
  /** True: this clock's time is virtual. */
  readonly virtual: true;
  /** Number of timers not yet fired. */
  pending(): number;
  /** When the earliest pending timer is due, or undefined when none is. */
  nextDue(): number | undefined;
  /** Moves time to the earliest pending timer and fires every timer due then; false when none was pending. */
  advanceToNext(): boolean;
  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void;
  /**
   * A fast clock (`firstline run --shadow --fast`): it jumps over waits like any virtual clock, but
   * while real work is in flight (a probe, a store write) it follows real time, so real calls keep
   * their real timeouts.
   */
  readonly followsRealTimeWhileBusy?: boolean;
}

/** What `steps.<id>` holds about a step that ran: the scope expressions read, and the run's report. */
export interface StepRecord {
  /** The step's `id:` (notifications without one get `notify-<outcome>-<n>`). */
  id: string;
  /** The action it ran, for action steps. */
  action?: string;
  /** How the step ended. */
  outcome: StepOutcome;
  /** The action's output (secret values redacted). */
  output?: unknown;
  /** Attempts made in its last visit, retries included. */
  attempts: number;
  /** How many times the step was entered in this run. */
  visits: number;
  /** Why it did not pass: the error message (redacted), the unmet `expect`, the skip reason. */
  error?: string;
  /** When its last visit started and ended (clock milliseconds). */
  startedAt: number;
  endedAt: number;
  /**
   * True when a resumed run found this side effect started but never recorded as finished: it was not
   * repeated, and its result is unknown (the run re-checks instead).
   */
  uncertain?: boolean;
  /** Shadow mode: what a remediation or notification would have done. */
  plan?: string;
  /** Shadow mode: the resources the plan would change (beside the output, never in it). */
  changes?: Array<{ resource: string; change: string }>;
  /** True when the output (or what a script left out of it) was synthesized from the action's output schema. */
  synthesized?: true;
  /** What a synthesized output was built from: the schema's examples, its defaults, or minimal values. */
  synthesizedFrom?: SynthesisSource;
}

/** The run's state as the machine keeps it: serializable, free of secret values, persisted after every step. */
export interface RunContext {
  inputs: Record<string, unknown>;
  trigger: unknown;
  run: {
    id: string;
    startedAt: number;
    mode: RunMode;
    playbook: string;
    deadline: number;
    outcome?: string;
    /** Set when a first-line run ends `inconclusive`: which check could not run, why, and what was done. */
    inconclusive?: Inconclusive;
  };
  steps: Record<string, StepRecord>;
  visits: Record<string, number>;
  /** First-line form: 0 for the first pass of the checks, then one more per recheck. */
  round: number;
  remediated: boolean;
  outcome?: string;
  /** Gotos entered since the last step ended: how a goto loop that cannot end is caught. */
  loop?: LoopWatch;
  /** While a wait, a poll or an approval runs: its absolute deadline (clock ms), fixed as it started. */
  wait?: Pick<StepInput, 'until' | 'hold'>;
}

/**
 * Events a run's machine hears: from the host, its deadline passed or it was cancelled; from a step, its
 * end (`step.done.<state>` with its result, `step.error.<state>` when the step itself crashed).
 */
export type RunEvent =
  | { type: 'RUN.TIMEOUT' }
  | { type: 'RUN.CANCEL' }
  | { type: `step.done.${string}`; output: StepResult }
  | { type: `step.error.${string}`; error: unknown };

/** What a finished run's machine outputs. */
export interface MachineOutput {
  outcome: string;
  steps: Record<string, StepRecord>;
}

/** What an invoked step actor receives: which node, which visit, and the scope its expressions read. */
export interface StepInput {
  node: string;
  visit: number;
  scope: Pick<RunContext, 'inputs' | 'trigger' | 'run' | 'steps'> & {
    /** An approval's request notifications read what they ask about here. */
    approval?: { id: string; message: string; url: string; expiresAt: string };
  };
  /** Absolute deadline (clock ms) of a wait, a poll or an approval, fixed when the step starts so a resume keeps it. */
  until?: number;
  /** Set on an approval: its deadline alone does not hand the run back; the step holds it once it has asked. */
  hold?: 'approval';
  /**
   * Set when a parked run's new actor takes up the wait it was parked in: when the wait began (clock ms).
   * The step goes on where it was, without reporting its start again.
   */
  continues?: number;
}

/** What a step actor resolves with: the step's record, plus the records of steps it ran inside it. */
export interface StepResult {
  outcome: StepOutcome;
  records: StepRecord[];
  /** True when a remediation passed in this step: a general-form run that falls off its end then recovered. */
  remediated?: boolean;
  /** True when a budget refused the step's remediation: the run ends `skipped` (and escalates). */
  halt?: boolean;
}

/** Fields every trace event carries. */
interface TraceBase {
  /** Position in the run's trace, from 0. */
  seq: number;
  /** Clock time of the event (milliseconds since the epoch, virtual in simulations). */
  at: number;
}

/** One entry of a run's timeline. Secret values are redacted before an event is stored or streamed. */
export type TraceEvent = TraceBase &
  (
    | {
        type: 'run.start';
        runId: string;
        playbook: string;
        hash: string;
        mode: RunMode;
        inputs: Record<string, unknown>;
        deadline: number;
      }
    | { type: 'run.resume'; runId: string }
    | { type: 'step.start'; step: string; action?: string; visit: number }
    | { type: 'attempt.start'; step: string; action: string; attempt: number; input: unknown }
    | {
        type: 'attempt.end';
        step: string;
        action: string;
        attempt: number;
        outcome: StepOutcome;
        durationMs: number;
        error?: string;
        /** What the action returned (redacted), when it returned; reports show it beside the input. */
        output?: unknown;
        /** Set when another attempt follows, after this many milliseconds. */
        retryInMs?: number;
      }
    | {
        type: 'plan';
        step: string;
        action: string;
        summary: string;
        changes?: Array<{ resource: string; change: string }>;
      }
    | {
        type: 'step.end';
        step: string;
        outcome: StepOutcome;
        attempts: number;
        durationMs: number;
        error?: string;
        uncertain?: boolean;
        /** The output was synthesized (simulation, shadow plan), from the schema's examples, defaults or minimal values. */
        synthesized?: SynthesisSource;
      }
    | { type: 'wait.start'; step: string; until: number; durationMs: number }
    | { type: 'wait.end'; step: string }
    | { type: 'decision'; step?: string; message: string }
    | {
        type: 'log';
        level: 'debug' | 'info' | 'warn' | 'error';
        step?: string;
        message: string;
        fields?: Record<string, unknown>;
      }
    | {
        type: 'approval.request';
        step: string;
        /** The approval's id (`<runId>/<step>/<visit>`), what a Slack button or console form carries. */
        id: string;
        message: string;
        expiresAt: number;
        approvers?: ApprovalRequest['approvers'];
      }
    | {
        type: 'approval.decision';
        step: string;
        id: string;
        decision: ApprovalOutcome;
        by?: string;
        via?: ApprovalDecision['via'];
        reason?: string;
      }
    | { type: 'run.suspend'; reason: 'wait' | 'signal' | 'approval'; wakeAt?: number }
    | { type: 'run.end'; outcome: string; durationMs: number }
  );

/** The type names of {@link TraceEvent}. */
export type TraceEventType = TraceEvent['type'];

/** One side effect as the journal knows it: written before the action runs and again when it ends. */
export interface JournalEntry {
  /** `runId:stepId:visit:attempt`: one per attempt (the action's `idempotencyKey` is the same without `:attempt`). */
  key: string;
  step: string;
  action: string;
  visit: number;
  attempt: number;
  /** `started` is written (and stored) before the call; `done` after it, with what it returned. */
  status: 'started' | 'done';
  /** For `done`: how the attempt ended. */
  outcome?: StepOutcome;
  /** For `done`: the output (redacted). */
  output?: unknown;
  /** For `done` with an error: the message (redacted). */
  error?: string;
  at: number;
}

/** Everything stored about one run: enough to resume it in another process. Holds no secret values. */
export interface RunRecord {
  /** Layout version of this record. */
  version: 1;
  runId: string;
  /** `running` until the run has an outcome. */
  status: 'running' | 'done';
  mode: RunMode;
  playbook: {
    name: string;
    /** Content hash of the document; a resume refuses a record made from another document. */
    hash: string;
    /** The playbook's data, so a resume needs nothing but the store. */
    data: unknown;
    file?: string;
  };
  /** The validated inputs, defaults applied. */
  inputs: Record<string, unknown>;
  trigger?: unknown;
  /** The machine's persisted snapshot, taken after every step. */
  snapshot?: unknown;
  /** Absolute deadlines (clock ms): the whole run, and the wait in progress if any. */
  deadlines: { run: number; wake?: number };
  journal: JournalEntry[];
  /** The redacted timeline so far. */
  trace: TraceEvent[];
  createdAt: number;
  updatedAt: number;
  /** Set when `status` is `done`. */
  outcome?: string;
  /** The resource lock the run holds (owner: the run id), freed when it ends; a resume renews it. */
  lock?: { key: string; expiresAt: number };
  /** Set when a lock or a budget made the run end `skipped`. */
  skipped?: SkipReason;
  /**
   * The run's latest approval: pending while it has no `decision` and the run is `running`, then kept
   * with who decided, for the report and the console.
   */
  approval?: ApprovalState;
}

/** An `approve` step's request: what is asked, of whom, until when. Holds no secret values. */
export interface ApprovalRequest {
  /** `<runId>/<step>/<visit>`: one per visit of the step, what callbacks and forms carry. */
  id: string;
  runId: string;
  /** The playbook's name. */
  playbook: string;
  step: string;
  visit: number;
  /** The rendered (redacted) question. */
  message: string;
  /** When it was asked and when it expires (clock ms). */
  requestedAt: number;
  expiresAt: number;
  /** Who may decide; absent: anyone who can reach the decision (console users, the Slack channel). */
  approvers?: { slack?: string[]; console?: string[] };
}

/** A person's answer to an approval. */
export interface ApprovalDecision {
  decision: 'approved' | 'denied';
  /** Who decided, as the channel names them: a Slack user id, a console user name. */
  by: string;
  /** Where the decision came from. */
  via: 'slack' | 'console' | 'cli' | 'api';
  /** Why, in the approver's words. */
  reason?: string;
  /** When (clock ms). */
  at: number;
}

/** How an approval ended: a decision, or nobody decided before it expired. */
export type ApprovalOutcome = 'approved' | 'denied' | 'expired';

/** An approval as a run record keeps it: the request, and the decision once there is one. */
export interface ApprovalState extends ApprovalRequest {
  decision?: ApprovalDecision;
  /** Set once the step has taken its outcome: the approval is no longer pending. */
  outcome?: ApprovalOutcome;
}

/** The top-level fields of a {@link RunRecord} a save may replace (the journal and trace only grow). */
export type RunRecordField = Exclude<keyof RunRecord, 'version' | 'runId' | 'journal' | 'trace'>;

/**
 * What changed in a run's record since the save before it (see {@link RunStore.saveChanges}): entries
 * appended to the journal and the trace, and top-level fields replaced. Plain JSON.
 */
export interface RunRecordChange {
  /** The lengths of the journal and trace this change follows: those of the record as last saved. */
  base: { journal: number; trace: number };
  /** Journal entries appended since. */
  journal: JournalEntry[];
  /** Trace events appended since. */
  trace: TraceEvent[];
  /** Top-level fields replaced, with their new values. */
  set: { [K in RunRecordField]?: RunRecord[K] };
  /** Top-level fields removed (optional ones only). */
  unset: RunRecordField[];
}

/** Where runs are kept between steps, so a crashed or timed-out host can resume them. */
export interface RunStore {
  /** Writes the whole record, atomically: a reader sees the old record or the new one, never a mix. */
  save(record: RunRecord): Promise<void>;
  /**
   * Writes only what changed since the save before it (`record` is the whole record after `change`),
   * atomically as {@link RunStore.save}: a reader sees the record before the change or after it. A
   * store may write the whole record instead whenever it likes (it does not hold the change's base,
   * or it compacts). A store without it gets `save` of the whole record every time.
   */
  saveChanges?(record: RunRecord, change: RunRecordChange): Promise<void>;
  /** The stored record, or undefined when there is none. */
  load(runId: string): Promise<RunRecord | undefined>;
  /** Ids of stored runs, optionally only those still running. */
  list(filter?: { status?: RunRecord['status'] }): Promise<string[]>;
  /**
   * One page of runs, newest first (by `createdAt`), with what a list shows of each: for `firstline
   * runs` and the console. `cursor` from one page asks for the next; none: that was the last.
   */
  listRuns?(query?: RunQuery): Promise<RunPage>;
  /** Forgets a run. */
  delete(runId: string): Promise<void>;
  /**
   * Takes the run's lease for `owner`, so one host at a time runs or resumes a run: two hosts resuming
   * the same run would both find its reboot not yet journaled. Resolves false while another owner that
   * is still alive holds it. A store that cannot lease leaves it out (and then nothing prevents that).
   */
  acquire?(runId: string, owner: string): Promise<boolean>;
  /** Gives the lease back, if `owner` holds it. */
  release?(runId: string, owner: string): Promise<void>;
  /**
   * Who holds the run's lease right now, for messages ("held by …"): the `owner` given to acquire, and
   * until when (wall-clock ms) when the lease lapses on its own; undefined when nobody live holds it.
   */
  leaseHolder?(runId: string): Promise<LeaseHolder | undefined>;
  /**
   * Records a side effect as started, once across every host sharing the store (a conditional write):
   * false when `key` (a journal key, `runId:step:visit:attempt`) was already claimed, and then the
   * caller must not start it. A store without it relies on the run's lease alone.
   */
  claim?(runId: string, key: string): Promise<boolean>;
  /**
   * Takes the lock on a resource (`key`, e.g. an instance id) for `owner` (a run id) until `expiresAt`
   * (clock ms), or renews it when `owner` already holds it. A lock whose `expiresAt` is at or before
   * `now` is free: a crashed run's lock lapses on its own. Atomic across hosts sharing the store.
   */
  lock?(key: string, owner: string, expiresAt: number, now: number): Promise<LockResult>;
  /** Frees a resource lock, if `owner` holds it. */
  unlock?(key: string, owner: string): Promise<void>;
  /**
   * Spends one use of a remediation budget, atomically: allowed when fewer than `use.max` uses fall in
   * the window `(use.at - use.windowMs, use.at]`, and then the use is recorded. Spending a `use.id`
   * already recorded is allowed again without counting twice (a resumed run replays its spend).
   */
  spend?(key: string, use: BudgetUse): Promise<BudgetResult>;
}

/** What {@link RunStore.listRuns} is asked for; every field narrows the list. */
export interface RunQuery {
  status?: RunRecord['status'];
  /** Only runs of this playbook (its `name:`). */
  playbook?: string;
  /** Only runs created at or after this time (clock ms). */
  since?: number;
  /** Only runs waiting for a person's approval. */
  awaiting?: 'approval';
  /** At most this many runs (default 50, at most 1000). */
  limit?: number;
  /** Where the page starts: the `cursor` of the page before it. */
  cursor?: string;
}

/** One page of {@link RunStore.listRuns}. */
export interface RunPage {
  runs: RunListing[];
  /** Asks for the next page; absent on the last one. */
  cursor?: string;
}

/** What a runs list shows of one run, without loading its trace. Holds no secret values. */
export interface RunListing {
  runId: string;
  playbook: string;
  mode: RunMode;
  status: RunRecord['status'];
  /** Set once the run is done. */
  outcome?: string;
  createdAt: number;
  updatedAt: number;
  /** What started it, in a line (the alarm's name, the topic, `cli`). */
  trigger?: string;
  /** A running run stored to wait: until when, and the approval it waits for if any. */
  waiting?: { reason: 'wait' | 'approval'; until?: number; approval?: string };
  /** What the run changed: the remediations that ran (step ids and actions), in order. */
  changed: Array<{ step: string; action: string; outcome: StepOutcome }>;
}

/** Who holds a run's lease: see {@link RunStore.leaseHolder}. */
export interface LeaseHolder {
  /** The owner that took it (hosts name themselves `host:pid:tag`). */
  owner: string;
  /** When it lapses (wall-clock ms); absent when it lasts as long as the holding process. */
  until?: number;
}

/** What {@link RunStore.lock} answers: taken (or renewed), or held by another owner until when. */
export type LockResult = { acquired: true } | { acquired: false; holder: string; expiresAt: number };

/** One use of a remediation budget, as {@link RunStore.spend} records it. */
export interface BudgetUse {
  /** Names the use, so spending it again (a resumed run) does not count twice: `runId:step:visit`. */
  id: string;
  /** When it is spent (clock ms). */
  at: number;
  /** Uses allowed in the window. */
  max: number;
  /** The window's length in milliseconds, ending at `at`. */
  windowMs: number;
}

/** What {@link RunStore.spend} answers. */
export interface BudgetResult {
  /** True when the use was recorded (or had been already). */
  allowed: boolean;
  /** Times (clock ms) of the uses inside the window, oldest first, this one included when allowed. */
  uses: number[];
}

/** Streams trace events as they happen. */
export type TraceListener = (event: TraceEvent) => void;

/** The result of a run, live, shadow or simulated. Secret values are redacted everywhere in it. */
export interface RunResult {
  runId: string;
  /** How the run ended: healthy, recovered, unrecovered, inconclusive, failed, timed_out, cancelled, skipped or an `end:` value. */
  outcome: string;
  /** Each action step's last output, by step id. */
  output: Record<string, unknown>;
  /** What each step that ran did, by step id. */
  steps: Record<string, StepRecord>;
  /** The timeline. */
  trace: TraceEvent[];
  /** Clock time from start to outcome (virtual in simulations). */
  durationMs: number;
  /**
   * Set when the outcome is `suspended`: the run is not over. It was stored (status `running`) because
   * its next wait ends after the host's `suspendBefore`, the host's `suspend` signal fired, or it waits
   * for a person's approval; a later {@link resumeDue} (or resumeRun, or decideApproval) goes on from there.
   */
  suspended?: {
    reason: 'wait' | 'signal' | 'approval';
    /** When its wait ends (clock ms): a wait's end, an approval's expiry. */ wakeAt?: number;
  };
  /** Set when the outcome is `skipped`: which lock or budget said no. */
  skipped?: SkipReason;
  /**
   * Set when resumeRun (or cancelRun) found the run already over: nothing was run, this is its stored
   * result, and `endedAt` is when it ended (clock ms, wall-clock time for a live run).
   */
  alreadyEnded?: { outcome: string; endedAt: number };
}

/** Why a run was `skipped`: another run holds the resource's lock, or a remediation budget is spent. */
export type SkipReason =
  | { reason: 'lock'; key: string; holder: string; expiresAt: number }
  | {
      reason: 'budget';
      key: string;
      step: string;
      action: string;
      max: number;
      windowMs: number;
      uses: number[];
    }
  | { reason: 'approval'; step: string; outcome: 'denied' | 'expired'; by?: string };

/** Keeps an outcome's type narrow where it is one of a step's. */
export type { StepOutcome };
