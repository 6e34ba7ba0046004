import { toActionRegistry } from '../actions/registry.js';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import { FirstlineError } from '../errors.js';
import { compiledOf, compilePlaybook } from '../compile/compilePlaybook.js';
import type { CompiledPlaybook } from '../compile/compilePlaybook.js';
import type { RunContext } from './types.js';
import type { ActionNode, IRNode } from '../compile/ir.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import { executeRun } from './executeRun.js';
import { ownRecord } from '../util/ownRecord.js';
import type { RunExecution, RunSetup } from './executeRun.js';
import { inputsNeedAjv, prepareInputs } from './inputs.js';
import type { ScriptedOutcomes } from './modes.js';
import { createScript, modeStrategy } from './modes.js';
import { runRedactor } from './redact.js';
import { playbookFromData } from '../load/loadPlaybook.js';
import {
  approvalLinks,
  renderSafety,
  resolveRunSecrets,
  silentLogger,
  suspensionOf,
  withLease,
} from './hostOptions.js';
import type { HostOptions } from './hostOptions.js';
import type { RunMode, RunRecord, RunResult, RunStore } from './types.js';
import { preloadAjv } from '../util/loadAjv.js';

/** Options for {@link runPlaybook}. */
export interface RunOptions extends HostOptions {
  /** The playbook's inputs; validated against `inputs:` (defaults applied) before anything runs. */
  input?: Record<string, unknown>;
  /** The event that started the run (an alarm, an SNS message); `trigger` in expressions. */
  trigger?: unknown;
  /** The actions the playbook names; needed unless a compiled playbook is passed (its registry is reused). */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
  /** `live` (default), `shadow` (probes only; the rest is planned) or `simulate` (scripted, virtual time). */
  mode?: RunMode;
  /** Keeps the snapshot, deadlines and journal after every step, so the run can be resumed. */
  store?: RunStore;
  /** The run's id; defaults to a random UUID (a stable hash in simulations). */
  runId?: string;
  /** Simulation: scripted outcomes per step id. */
  outcomes?: ScriptedOutcomes;
}

/** A playbook in any of the forms the run functions take: compiled (or its machine), loaded, or plain data. */
export type RunnablePlaybook = CompiledPlaybook | LoadedPlaybook | object;

/**
 * Runs a playbook to its outcome. Inputs and secrets are checked first (a bad input throws
 * InputInvalid, nothing runs). After that the run always ends with an outcome: a crashing action, a
 * hanging one, the run's deadline or a cancellation become step outcomes and run outcomes, never a
 * rejection. Secret values are redacted from the trace, the logs, the outputs and every error message.
 *
 * @example
 * const result = await runPlaybook(await loadPlaybook('ec2.yaml'), { input, actions, store: createFileStore('.runs') });
 * console.log(result.outcome, renderTrace(result.trace));
 */
export function runPlaybook(playbook: RunnablePlaybook, options: RunOptions = {}): Promise<RunResult> {
  // A simulation's `calls` are simulatePlaybook's to show; a plain RunResult does not carry them.
  // Not async: a waiting run then holds no suspended frame of this function.
  // Copied only when there is something to leave out (not for a live run).
  return startRun(playbook, options).then((run) => {
    if (run.calls === undefined) return run;
    const { calls: _calls, ...result } = run;
    return result;
  });
}

/**
 * Whether a run of this playbook compiles a schema: an input's `items` schema (`inputs`: a new run
 * checks its inputs), or an action it calls without validators compiled at build time (a custom
 * action's input schema). Only the actions it calls are asked: asking checks their precompiled
 * validators' hashes, and a host registers dozens.
 */
export function needsAjv(compiled: CompiledPlaybook, inputs = true): boolean {
  if (inputs && inputsNeedAjv(compiled.document.inputs)) return true;
  for (const id of actionIdsOf(compiled.ir)) {
    const def = compiled.registry.get(id);
    if (def && !def.validators?.input) return true;
  }
  return false;
}

/** Every action id a playbook's steps call: its steps, group members, poll probes, approval requests, notifications. */
function actionIdsOf(ir: CompiledPlaybook['ir']): Set<string> {
  const ids = new Set<string>();
  const add = (node: ActionNode) => ids.add(node.action);
  for (const node of ir.nodes.values()) {
    if (node.kind === 'action') add(node);
    else if (node.kind === 'parallel') node.steps.forEach(add);
    else if (node.kind === 'poll') add(node.probe);
    else if (node.kind === 'approve') node.request.forEach(add);
  }
  for (const list of ir.notify.values()) list.forEach(add);
  return ids;
}

// Per compiled playbook: a simulation runs one thousands of times, and the answer does not change.
const ajvNeeded = new WeakMap<CompiledPlaybook, boolean>();

function needsAjvOnce(compiled: CompiledPlaybook): boolean {
  let needed = ajvNeeded.get(compiled);
  if (needed === undefined) {
    needed = needsAjv(compiled);
    ajvNeeded.set(compiled, needed);
  }
  return needed;
}

/** {@link runPlaybook}, also returning what a simulation recorded; simulatePlaybook builds on it. */
export async function startRun(playbook: RunnablePlaybook, options: RunOptions): Promise<RunExecution> {
  const strategy = modeStrategy(options.mode ?? 'live');
  const mode = strategy.mode;
  const compiled = compiledFor(playbook, options.actions);
  const registry = compiled.registry;
  if (needsAjvOnce(compiled)) await preloadAjv();
  const inputs = prepareInputs(compiled.document, options.input);
  const runId = options.runId ?? strategy.runId(() => stableId(compiled.hash, inputs, options.trigger));
  const placeholders = strategy.placeholderSecrets && !options.secrets && !options.env;
  const secrets = placeholders
    ? placeholderSecrets(compiled)
    : await resolveRunSecrets(compiled.document.secrets, options);
  const clock = options.clock ?? strategy.defaultClock();
  const startedAt = clock.now();
  const context: RunContext = {
    inputs,
    trigger: options.trigger ?? null,
    run: { id: runId, startedAt, mode, playbook: compiled.name, deadline: startedAt + compiled.ir.timeoutMs },
    steps: ownRecord(),
    visits: ownRecord(),
    round: 0,
    remediated: false,
    ...('outcome' in compiled.ir.start && { outcome: compiled.ir.start.outcome }),
  };
  const record: RunRecord = {
    version: 1,
    runId,
    status: 'running',
    mode,
    playbook: {
      name: compiled.name,
      hash: compiled.hash,
      data: compiled.document,
      ...(compiled.file !== undefined && { file: compiled.file }),
    },
    inputs,
    ...(options.trigger !== undefined && { trigger: options.trigger }),
    deadlines: { run: context.run.deadline },
    journal: [],
    trace: [],
    createdAt: startedAt,
    updatedAt: startedAt,
  };
  const store = options.store;
  // Only a store that locks or keeps budgets has keys to render (a plain simulation has none).
  const safety =
    store?.lock || store?.spend ? await renderSafety(compiled, context, clock, store) : undefined;
  // Simulation placeholders are not secret: redacting them would only hide what the script did.
  const redactor = runRedactor(placeholders ? [] : Object.values(secrets));
  // Field by field, the optional parts assigned: no spread of the host's options per run.
  const setup: RunSetup = {
    compiled,
    record,
    strategy,
    context,
    registry,
    clock,
    secrets,
    redactor,
    random: options.random ?? strategy.defaultRandom(runId),
    logger: options.logger ?? silentLogger,
  };
  if (store) setup.store = store;
  if (options.onEvent) setup.onEvent = options.onEvent;
  if (options.signal) setup.signal = options.signal;
  // The host's suspension settings as suspensionOf checks and gives them (the one place that knows them all).
  Object.assign(setup, suspensionOf(options));
  // The console's address matters only to approvals: a playbook without any reads no environment for it.
  const approvals = approvalSteps(compiled);
  if (approvals.size > 0) {
    const { consoleUrl } = approvalLinks(options);
    if (consoleUrl !== undefined) setup.consoleUrl = consoleUrl;
  }
  if (safety?.lockKey !== undefined) setup.lockKey = safety.lockKey;
  if (safety) setup.budgets = safety.budgets;
  if (strategy.scripted) {
    setup.script = createScript(options.outcomes, scriptableSteps(compiled), approvals);
    setup.calls = new Map<string, unknown[]>();
  }
  return withLease(store, runId, async () => {
    // A run id names one run: starting it again would overwrite its journal, the record that stops a
    // second reboot. A run that exists is resumed (resumeRun), not started.
    if (store && (await store.load(runId)))
      throw new FirstlineError(
        'E_RUN_CONFLICT',
        `run ${runId} already exists in the store; resume it with resumeRun`,
      );
    return executeRun(setup);
  });
}

const placeholders = new WeakMap<CompiledPlaybook, Readonly<Record<string, string>>>();

/** A simulation's stand-ins for the playbook's secrets (`<secret name>`): the same for every run, made once and frozen. */
function placeholderSecrets(compiled: CompiledPlaybook): Readonly<Record<string, string>> {
  let secrets = placeholders.get(compiled);
  if (!secrets) {
    secrets = Object.freeze(
      Object.fromEntries(
        Object.keys(compiled.document.secrets ?? {}).map((name) => [name, `<secret ${name}>`]),
      ),
    );
    placeholders.set(compiled, secrets);
  }
  return secrets;
}

/**
 * The compiled playbook a run uses. A compiled playbook run with other actions than it was validated
 * against is compiled again with them (validated anew: an input valid for one definition may not be for
 * another), unless every action it names is the very same definition in both.
 */
export function compiledFor(
  playbook: RunnablePlaybook,
  actions: ActionRegistry | Iterable<AnyActionDefinition> | undefined,
): CompiledPlaybook {
  const given = compiledOf(playbook);
  if (!given) return compilePlaybook(playbook, { actions });
  if (!actions) return given;
  const registry = toActionRegistry(actions);
  if (registry === given.registry || sameActions(given, registry)) return given;
  return compilePlaybook(playbookFromData(given.document, given.file), { actions: registry });
}

/** True when every action the playbook names resolves to the same definition in `registry`. */
function sameActions(compiled: CompiledPlaybook, registry: ActionRegistry): boolean {
  for (const node of compiled.ir.nodes.values()) {
    const ids =
      node.kind === 'action'
        ? [node.action]
        : node.kind === 'parallel'
          ? node.steps.map((s) => s.action)
          : node.kind === 'poll'
            ? [node.probe.action]
            : node.kind === 'approve'
              ? node.request.map((s) => s.action)
              : [];
    for (const id of ids) if (registry.get(id) !== compiled.registry.get(id)) return false;
  }
  return true;
}

const scriptable = new WeakMap<CompiledPlaybook, ReadonlySet<string>>();

/** Per compiled playbook, once: simulations of one playbook run thousands of times in a test suite. */
function scriptableSteps(compiled: CompiledPlaybook): ReadonlySet<string> {
  let ids = scriptable.get(compiled);
  if (!ids) scriptable.set(compiled, (ids = new Set([...compiled.ir.nodes.values()].flatMap(stepIdsOf))));
  return ids;
}

/** The steps a script may give outcomes to: those that run an action (waits, gotos and groups do not). */
function stepIdsOf(node: IRNode): string[] {
  if (node.kind === 'action') return [node.id];
  if (node.kind === 'parallel') return node.steps.map((s) => s.id);
  if (node.kind === 'poll') return [node.probe.id];
  if (node.kind === 'approve') return node.request.map((s) => s.id);
  return [];
}

const approvalIds = new WeakMap<CompiledPlaybook, ReadonlySet<string>>();

/** The approve steps of a playbook (a script gives them approved, denied or expired); once per compiled playbook. */
function approvalSteps(compiled: CompiledPlaybook): ReadonlySet<string> {
  let ids = approvalIds.get(compiled);
  if (!ids) {
    ids = new Set([...compiled.ir.nodes.values()].flatMap((n) => (n.kind === 'approve' ? [n.id] : [])));
    approvalIds.set(compiled, ids);
  }
  return ids;
}

/**
 * A simulation's run id: the same playbook, inputs and trigger always give the same id (FNV-1a over
 * their JSON), so a simulated trace is identical run after run. Not a security hash: it only names runs.
 */
function stableId(hash: string, inputs: unknown, trigger: unknown): string {
  // The three parts hashed in turn, as one text joined by NULs would be: no joined copy of them is made.
  const h = { a: 0x811c9dc5, b: 0x01000193 };
  fnv(h, hash);
  fnv(h, '\u0000');
  fnv(h, JSON.stringify(inputs));
  fnv(h, '\u0000');
  fnv(h, JSON.stringify(trigger ?? null));
  return ((h.a >>> 0).toString(16).padStart(8, '0') + (h.b >>> 0).toString(16).padStart(8, '0')).slice(0, 12);
}

/** Feeds `text` into the two FNV-1a style lanes of {@link stableId}. */
function fnv(h: { a: number; b: number }, text: string): void {
  let { a, b } = h;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x811c9dc5) ^ (b >>> 15);
  }
  h.a = a;
  h.b = b;
}
