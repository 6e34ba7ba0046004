import type { AnyStateMachine } from 'xstate';
import { toActionRegistry } from '../actions/registry.js';
import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import { PlaybookInvalid } from '../errors.js';
import type { Playbook } from '../format/playbook.generated.js';
import { isLoadedPlaybook, playbookFromData } from '../load/loadPlaybook.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import { validatePlaybook } from '../validate/validatePlaybook.js';
import { buildMachine } from './buildMachine.js';
import { buildIR } from './buildIR.js';
import type { PlaybookIR } from './ir.js';
import type { Issue } from '../validate/issues.js';

const brand = Symbol.for('firstline.compiled');

/** A validated playbook compiled to an XState machine, ready to run any number of times. */
export interface CompiledPlaybook {
  /** Marks compiled playbooks (also across two installed copies of the package). */
  readonly [brand]: true;
  readonly name: string;
  /** Content hash of the document: the cache key, and what a resumed run must match. */
  readonly hash: string;
  /** The playbook's data. */
  readonly document: Playbook;
  readonly file?: string;
  /** The intermediate representation both forms compile through. */
  readonly ir: PlaybookIR;
  /** The actions it was validated against; runs use them unless given others. */
  readonly registry: ActionRegistry;
  /** The validation warnings it compiled with (remediate without recheck, …), for tools to show. */
  readonly warnings: readonly Issue[];
  /**
   * The machine: its states and transitions. Its steps are carried out by the run executing it, in that
   * run's mode, so one machine serves every mode; started on its own, it refuses to run.
   */
  readonly machine: AnyStateMachine;
}

/** Options for {@link compilePlaybook}. */
export interface CompileOptions {
  /** The actions the playbook may name (the `core.*` built-ins are always there). */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
}

// Keyed by registry, then content hash: the same document always yields the same machine, and a
// warm Lambda compiles a playbook once. Validation depends on the registry, hence the outer key.
const cache = new WeakMap<ActionRegistry, Map<string, CompiledPlaybook>>();
const CACHE_LIMIT = 500;

// A compiled playbook's machine leads back to it, so run functions also take `compiled.machine`.
const byMachine = new WeakMap<object, CompiledPlaybook>();

/** The compiled playbook `value` is, or whose machine it is; undefined for anything else. */
export function compiledOf(value: unknown): CompiledPlaybook | undefined {
  if (isCompiledPlaybook(value)) return value;
  return typeof value === 'object' && value !== null ? byMachine.get(value) : undefined;
}

/** True for what {@link compilePlaybook} returns. */
export function isCompiledPlaybook(value: unknown): value is CompiledPlaybook {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Validates a playbook and compiles it into an XState v5 machine through one intermediate
 * representation for both forms. Throws {@link PlaybookInvalid} with every issue when it is not valid.
 *
 * @example
 * const compiled = compilePlaybook(await loadPlaybook('ec2.yaml'), { actions });
 * const result = await runPlaybook(compiled, { input, actions });
 */
export function compilePlaybook(
  playbook: LoadedPlaybook | object,
  options: CompileOptions = {},
): CompiledPlaybook {
  const loaded = isLoadedPlaybook(playbook) ? playbook : playbookFromData(playbook);
  const registry = toActionRegistry(options.actions);
  let byHash = cache.get(registry);
  const hit = byHash?.get(loaded.hash);
  if (hit) return hit;

  const result = validatePlaybook(loaded, { actions: registry });
  if (!result.ok)
    throw new PlaybookInvalid(
      result.issues.filter((i) => i.severity === 'error'),
      loaded.file,
    );
  const document = loaded.data as Playbook;
  const ir = buildIR(document);
  const machine = buildMachine(ir);
  const compiled: CompiledPlaybook = {
    [brand]: true,
    name: document.name,
    hash: loaded.hash,
    document,
    ...(loaded.file !== undefined && { file: loaded.file }),
    ir,
    registry,
    warnings: result.issues.filter((i) => i.severity === 'warning'),
    machine,
  };
  byMachine.set(machine, compiled);
  if (!byHash) cache.set(registry, (byHash = new Map<string, CompiledPlaybook>()));
  if (byHash.size >= CACHE_LIMIT) byHash.delete(byHash.keys().next().value!);
  byHash.set(loaded.hash, compiled);
  return compiled;
}
