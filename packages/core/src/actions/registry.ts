import { FirstlineError } from '../errors.js';
import { coreActions } from './builtins.js';
import { schemaErrors, schemaValidator } from './schemaValidators.js';
import type { ActionDefinition } from './types.js';

/** Any action definition, whatever its input and output types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActionDefinition = ActionDefinition<any, any>;

/**
 * One way an input breaks its action's input schema. Firstline's own type, so the public API does not
 * expose its JSON Schema validator's (ajv's errors have these fields and more).
 */
export interface InputSchemaError {
  /** The schema keyword broken: `required`, `type`, `enum`, `additionalProperties`… */
  keyword: string;
  /** JSON Pointer to the value at fault inside the input; `''` for the input itself. */
  instancePath: string;
  /** JSON Pointer to the keyword inside the schema. */
  schemaPath: string;
  /** The keyword's details, e.g. `{ missingProperty: 'host' }` for `required`. */
  params: Record<string, unknown>;
  /** A short English description. */
  message?: string;
  /** The schema object holding the keyword. */
  parentSchema?: Record<string, unknown>;
  /** The value at fault. */
  data?: unknown;
}

/** The actions a playbook may name, by id; the validator and the runtime both read it. */
export interface ActionRegistry {
  /** The action with this id, if registered. */
  get(id: string): AnyActionDefinition | undefined;
  /** Whether an action with this id is registered. */
  has(id: string): boolean;
  /** Every registered id, sorted. */
  ids(): string[];
  /** Adds actions; throws when an id is already taken. */
  register(...actions: AnyActionDefinition[]): ActionRegistry;
  /** Checks an input against the action's input schema; returns what is wrong, or an empty list. */
  checkInput(id: string, input: unknown): InputSchemaError[];
  /** Checks a result against the action's output schema (none: always valid); what is wrong, or an empty list. */
  checkOutput(id: string, output: unknown): InputSchemaError[];
}

/** Options for {@link createActionRegistry}. */
export interface ActionRegistryOptions {
  /** Register the `core.*` built-ins (default true). */
  builtins?: boolean;
}

/**
 * Creates a registry holding the `core.*` built-ins and the given actions.
 *
 * @example
 * const actions = createActionRegistry([...awsActions({ region: 'eu-west-1' }), ...slack({ token })]);
 */
export function createActionRegistry(
  actions: Iterable<AnyActionDefinition> = [],
  options: ActionRegistryOptions = {},
): ActionRegistry {
  const byId = new Map<string, AnyActionDefinition>();
  const registry: ActionRegistry = {
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
    ids: () => [...byId.keys()].sort(),
    register(...defs) {
      for (const def of defs) {
        if (byId.has(def.id))
          throw new FirstlineError('E_DUPLICATE_ACTION', `action ${def.id} is registered twice`);
        byId.set(def.id, def);
      }
      return registry;
    },
    checkInput(id, input) {
      const def = byId.get(id);
      return def ? schemaErrors(schemaValidator(def.input, def.validators?.input), input) : [];
    },
    checkOutput(id, output) {
      const def = byId.get(id);
      return def?.output ? schemaErrors(schemaValidator(def.output, def.validators?.output), output) : [];
    },
  };
  if (options.builtins !== false) registry.register(...coreActions);
  registry.register(...actions);
  return registry;
}

// Registries made on the fly from lists are kept per list, and the built-ins-only one once, so a
// validator called in a loop does not rebuild ajv and recompile schemas every time.
const fromLists = new WeakMap<object, ActionRegistry>();
let builtinsOnly: ActionRegistry | undefined;

/** Accepts a registry or a plain list of actions (with the built-ins added) and returns a registry. */
export function toActionRegistry(
  actions: ActionRegistry | Iterable<AnyActionDefinition> | undefined,
): ActionRegistry {
  if (actions === undefined) return (builtinsOnly ??= createActionRegistry());
  if (typeof (actions as ActionRegistry).checkInput === 'function') return actions as ActionRegistry;
  let registry = fromLists.get(actions);
  if (!registry) {
    registry = createActionRegistry(actions as Iterable<AnyActionDefinition>);
    fromLists.set(actions, registry);
  }
  return registry;
}
