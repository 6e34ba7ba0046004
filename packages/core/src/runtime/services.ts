import type { ActionContext, Clock, Logger } from '../actions/types.js';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import type { PlaybookIR } from '../compile/ir.js';
import type { Redactor } from './redact.js';
import type { RunBudget } from './safety.js';
import type {
  ApprovalState,
  BudgetResult,
  BudgetUse,
  JournalEntry,
  SkipReason,
  TraceEvent,
} from './types.js';
import type { StepOutcome } from '../format/types.js';
import { attachPort, portOf } from '../compile/machinePort.js';
import type { MachinePort } from '../compile/machinePort.js';
import type { ModeStrategy } from './modes.js';
import type { SynthesisSource } from './synthesize/index.js';
import type { StepRecorder } from './stepRecorder.js';

/** How one attempt of an action is carried out: really, planned, or from a script (answered at once). Modes swap this. */
export type Invoke = (
  def: AnyActionDefinition,
  input: unknown,
  ctx: ActionContext,
  services: RunServices,
) => InvokeResult | Promise<InvokeResult>;

/** What an invoke returned: an output to judge with `expect`, or an outcome forced by a script or plan. */
export type InvokeResult = {
  output: unknown;
  forced?: StepOutcome;
  plan?: string;
  /** Shadow mode: the resources the plan would change, for the trace's `plan` event. */
  changes?: Array<{ resource: string; change: string }>;
  /** Set when the output (or part of it) was synthesized from the action's output schema, and from what. */
  synthesized?: SynthesisSource;
};

/** What every step actor of one run shares: the run's clock, trace, journal, secrets and actions. */
export interface RunServices extends MachinePort {
  runId: string;
  /** What the run's mode means for side effects, locks, budgets and suspension. */
  strategy: ModeStrategy;
  ir: PlaybookIR;
  playbookName: string;
  registry: ActionRegistry;
  clock: Clock;
  /** Deterministic in simulations (seeded), Math.random otherwise; used for jitter. */
  random: () => number;
  secrets: Readonly<Record<string, string>>;
  redactor: Redactor;
  logger: Logger;
  /** Appends a (redacted) event to the trace and streams it. */
  emit(event: DistributiveOmit<TraceEvent, 'seq' | 'at'>): void;
  /** Reports step starts and ends: the one place `step.start` and `step.end` are emitted. */
  steps: StepRecorder;
  /** Journal entries recorded so far (from the store on resume). */
  journal: JournalEntry[];
  /** Records a side effect and resolves once it is stored: the write-ahead log of remediations. */
  record(entry: JournalEntry): Promise<void>;
  /**
   * Brackets a side effect in flight: a hand-back asked for meanwhile waits until it has ended, so a run
   * is never suspended half-way through a remediation. Returns the function that marks its end.
   */
  sideEffect(): () => void;
  /**
   * Claims a side effect's journal key in the store before it starts, once across hosts: false when
   * another host already did (the step then does not start it). Absent without a claiming store.
   */
  claim?(key: string): Promise<boolean>;
  /** The playbook's budgets for this run (keys rendered); empty in shadow mode. */
  budgets: readonly RunBudget[];
  /** Spends a budget use in the store; absent when the store keeps no budgets. */
  spend?(key: string, use: BudgetUse): Promise<BudgetResult>;
  /** Set when a budget refused a remediation: the run ends `skipped` and escalates. */
  skip?: SkipReason;
  /** True once the run's deadline passed: a step cut short then ends as `timeout`, not `error`. */
  timedOut: boolean;
  /**
   * Counts real work in flight (an action really called on a fast clock) as busy, so the clock does not
   * jump over it; absent where nothing needs to know.
   */
  realWork?<T>(work: () => Promise<T>): Promise<T>;
  /** The run's approvals: the latest one (the record's), asking for one, holding the run for a decision. */
  approvals: ApprovalDesk;
  /** Simulation: the inputs each action received, per action id. */
  calls?: Map<string, unknown[]>;
  /** Simulation: scripted outcomes, consumed one per attempt. */
  script?: ScriptPlayer;
}

/** What an approve step needs of its run: see {@link RunServices.approvals}. */
export interface ApprovalDesk {
  /** The run's latest approval as its record keeps it, if any. */
  current(): ApprovalState | undefined;
  /** Records an approval (a new request, or the one in progress updated); resolves once it is stored. */
  keep(state: ApprovalState): Promise<void>;
  /** Hands the run back until a decision resumes it (or `wakeAt`); false when the host cannot. */
  hold(wakeAt: number): boolean;
  /** Where a person decides on an approval in the host's console, when it has one. */
  url?(id: string): string | undefined;
}

/** Hands out scripted outcomes per step, one per attempt, the last one repeating. */
export interface ScriptPlayer {
  next(stepId: string): unknown;
}

/** `Omit` that keeps a union a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Binds a run's services to the actor system its machine runs in (they are its machine port too). */
export function bindServices(system: object, services: RunServices): void {
  attachPort(system, services);
}

/** The services of the run an actor belongs to, or undefined outside a run (path enumeration). */
export function servicesOf(system: object | undefined): RunServices | undefined {
  return portOf(system) as RunServices | undefined;
}
