import type { ActionRegistry } from '../../actions/registry.js';
import type { Clock, Logger } from '../../actions/types.js';
import type { PlaybookIR } from '../../compile/ir.js';
import type { ModeStrategy } from '../modes.js';
import type { Redactor } from '../redact.js';
import type { RunBudget } from '../safety.js';
import type { ApprovalDesk, DistributiveOmit, RunServices, ScriptPlayer } from '../services.js';
import { StepRecorder } from '../stepRecorder.js';
import { StepSlot } from './stepSlot.js';
import type { StepReceiver } from '../../compile/machinePort.js';
import type { StepEnding } from '../stepRecorder.js';
import type {
  BudgetResult,
  BudgetUse,
  JournalEntry,
  RunContext,
  RunStore,
  SkipReason,
  StepInput,
  StepRecord,
  TraceEvent,
} from '../types.js';
import type { RecordWriter } from './recordWriter.js';
import type { TraceSink } from './traceSink.js';

/** The parts of a run its services are built from. */
export interface RunServiceParts {
  runId: string;
  strategy: ModeStrategy;
  ir: PlaybookIR;
  playbookName: string;
  registry: ActionRegistry;
  clock: Clock;
  random: () => number;
  secrets: Record<string, string>;
  redactor: Redactor;
  logger: Logger;
  journal: JournalEntry[];
  sink: TraceSink;
  writer: RecordWriter;
  store: RunStore | undefined;
  budgets: readonly RunBudget[];
  /** Brackets a side effect in flight (the run's lifecycle, made after the services). */
  sideEffect: () => () => void;
  /** The run's approvals (the record's, and the lifecycle's hold). */
  approvals: ApprovalDesk;
  calls?: Map<string, unknown[]>;
  script?: ScriptPlayer;
}

/**
 * The services every step actor of one run shares, built once per run. A class so that a waiting run
 * holds one object and its methods live on the prototype: per-run closures were most of what the
 * split run core added to each waiting run's memory.
 */
export class RunServiceSet implements RunServices {
  readonly runId: string;
  readonly strategy: ModeStrategy;
  readonly ir: PlaybookIR;
  readonly playbookName: string;
  readonly registry: ActionRegistry;
  readonly clock: Clock;
  readonly random: () => number;
  readonly secrets: Readonly<Record<string, string>>;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly journal: JournalEntry[];
  readonly steps: StepRecorder;
  readonly budgets: readonly RunBudget[];
  readonly approvals: ApprovalDesk;
  /** See RunServices.timedOut. */
  timedOut = false;
  /** See RunServices.skip. */
  declare skip?: SkipReason;
  /** See RunServices.calls. */
  declare calls?: Map<string, unknown[]>;
  /** See RunServices.script. */
  declare script?: ScriptPlayer;
  /** See RunServices.claim: only with a store that claims. */
  declare claim?: (key: string) => Promise<boolean>;
  /** See RunServices.spend: only with a store that keeps budgets, in a mode that enforces them. */
  declare spend?: (key: string, use: BudgetUse) => Promise<BudgetResult>;
  private readonly sink: TraceSink;
  private readonly writer: RecordWriter;
  private readonly bracket: () => () => void;
  private readonly slot: StepSlot;

  /** Services over the run's parts. */
  constructor(parts: RunServiceParts) {
    this.runId = parts.runId;
    this.strategy = parts.strategy;
    this.ir = parts.ir;
    this.playbookName = parts.playbookName;
    this.registry = parts.registry;
    this.clock = parts.clock;
    this.random = parts.random;
    this.secrets = parts.secrets;
    this.redactor = parts.redactor;
    this.logger = parts.logger;
    this.journal = parts.journal;
    this.sink = parts.sink;
    this.writer = parts.writer;
    this.bracket = parts.sideEffect;
    this.steps = new StepRecorder(parts.clock, parts.sink);
    this.budgets = parts.budgets;
    this.approvals = parts.approvals;
    this.slot = new StepSlot(this);
    if (parts.calls) this.calls = parts.calls;
    if (parts.script) this.script = parts.script;
    const { store, writer, runId } = parts;
    if (store?.claim) this.claim = (key) => writer.io(() => store.claim!(runId, key));
    if (store?.spend && parts.strategy.enforcesSafety)
      this.spend = (key, use) => writer.io(() => store.spend!(key, use));
  }

  /** Appends a (redacted) event to the trace and streams it. */
  emit(event: DistributiveOmit<TraceEvent, 'seq' | 'at'>): void {
    this.sink.emit(event);
  }

  /** The run's clock reading. */
  now(): number {
    return this.clock.now();
  }

  /** Records a decision in the trace. */
  decide(message: string, step?: string): void {
    this.sink.emit(step === undefined ? { type: 'decision', message } : { type: 'decision', step, message });
  }

  /** Ends a step cut short by the machine. */
  endStep(ending: StepEnding): StepRecord {
    return this.steps.end(ending);
  }

  /**
   * Starts the step of state `key` (see MachinePort.startStep). A restored run restarts the step it was
   * stored in this way too; `legacy` is the deadline a snapshot from before steps kept it in the context
   * holds in its invoked child.
   */
  startStep(
    key: string,
    context: RunContext,
    machine: StepReceiver,
    legacy?: Pick<StepInput, 'until' | 'hold'>,
    continues?: number,
  ): void {
    this.slot.start(key, context, machine, legacy, continues);
  }

  /**
   * When the step in progress began, if it is a plain wait (not a poll, not an approval): the only kind
   * of step a run may be parked in, since nothing else happens until it ends.
   */
  parkableWait(): number | undefined {
    const key = this.slot.current;
    const node = key === undefined ? undefined : this.ir.nodes.get(key);
    return node?.kind === 'wait' ? this.steps.startedAt(node.id) : undefined;
  }

  /** The machine left the state of `key` (see MachinePort.leaveStep). */
  leaveStep(key: string): void {
    this.slot.leave(key);
  }

  /** Stops the step in progress: the run is handed back or stopped. */
  stopSteps(): void {
    this.slot.abort();
  }

  /** An error as text, secrets taken out. */
  describeError(error: unknown): string {
    return this.redactor.error(error);
  }

  /** Records a side effect in the journal; resolves once it is stored. */
  record(entry: JournalEntry): Promise<void> {
    return this.writer.journal(entry);
  }

  /** Brackets a side effect in flight (see RunServices.sideEffect). */
  sideEffect(): () => void {
    return this.bracket();
  }

  /** Counts a real call as work in flight (see RunServices.realWork). */
  realWork<T>(work: () => Promise<T>): Promise<T> {
    return this.writer.io(work);
  }
}
