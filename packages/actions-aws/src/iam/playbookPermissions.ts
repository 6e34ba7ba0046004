import type { AnyActionDefinition, IamStatement } from '@firstline/core';
import { isLoadedPlaybook } from '@firstline/core';
import { partitionOf } from './arn.js';

/** Where `playbookPermissions` writes ARNs for secrets: the region and account (default `*`). */
export interface PermissionScope {
  region?: string;
  accountId?: string;
}

/** Options of {@link playbookPermissions}. */
export interface PermissionOptions {
  /**
   * Only what shadow mode needs: probes' permissions, the reads remediations' and notifications'
   * `plan()` makes, and the secrets; nothing that changes anything.
   */
  shadow?: boolean;
}

/** One action step of a playbook, wherever its form nests it. */
export interface PlaybookActionStep {
  /** The step's `id:` (notifications may have none). */
  id?: string;
  /** What `action:` names. */
  action: string;
  /** Its `with:`, as written. */
  with?: unknown;
}

/**
 * The least-privilege IAM statements a playbook needs: the union of `permissions(with)` and
 * `planPermissions(with)` of every action step it names (templated values such as
 * `{{ inputs.instanceId }}` become `*`), plus reading its `ssm:` and `secretsManager:` secrets.
 * Statements with the same resources are merged. For the policy of a Lambda or Step Functions role
 * (issue 8's CDK example), or `firstline permissions`; `{ shadow: true }` for a shadow-only role.
 *
 * @example
 * const policy = { Version: '2012-10-17', Statement: playbookPermissions(awsActions(), await loadPlaybook('ec2.yaml')) };
 */
export function playbookPermissions(
  actions: Iterable<AnyActionDefinition>,
  playbook: object,
  scope: PermissionScope = {},
  options: PermissionOptions = {},
): IamStatement[] {
  const byId = new Map<string, AnyActionDefinition>();
  for (const action of actions) byId.set(action.id, action);
  const document = (isLoadedPlaybook(playbook) ? playbook.data : playbook) as Record<string, unknown>;
  const statements: IamStatement[] = [];
  for (const step of playbookActionSteps(document)) {
    const definition = byId.get(step.action);
    if (definition) statements.push(...stepPermissions(definition, step.with, options));
  }
  statements.push(...secretPermissions(document.secrets, scope));
  return mergeStatements(statements);
}

/**
 * The statements one step needs, its templated values as `*`: what `run` and `plan` call; in shadow
 * mode a probe's `permissions()` (probes run for real) and the others' `planPermissions()` only.
 */
export function stepPermissions(
  definition: AnyActionDefinition,
  given: unknown,
  options: PermissionOptions = {},
): IamStatement[] {
  const input = wildcardTemplates(given ?? {}, definition.input);
  const run = definition.permissions?.(input) ?? [];
  const plan = definition.planPermissions?.(input) ?? [];
  if (!options.shadow) return [...run, ...plan];
  return definition.kind === 'probe' ? run : plan;
}

/** Every action step of a playbook document, in document order: checks, parallel groups, remediate, notify, steps. */
export function playbookActionSteps(playbook: object): PlaybookActionStep[] {
  return actionSteps(isLoadedPlaybook(playbook) ? playbook.data : playbook);
}

/** The statements for reading a playbook's `secrets:` references from SSM and Secrets Manager. */
export function secretPermissions(secrets: unknown, scope: PermissionScope = {}): IamStatement[] {
  const out: IamStatement[] = [];
  const account = scope.accountId ?? '*';
  for (const ref of Object.values(isObject(secrets) ? secrets : {})) {
    if (!isObject(ref)) continue;
    const region = typeof ref.region === 'string' ? ref.region : (scope.region ?? '*');
    const partition = partitionOf(region);
    if (typeof ref.ssm === 'string') {
      const name = ref.ssm.startsWith('/') ? ref.ssm : `/${ref.ssm}`;
      const arn = ref.ssm.startsWith('arn:')
        ? ref.ssm
        : `arn:${partition}:ssm:${region}:${account}:parameter${name}`;
      // SecureString values are decrypted with their KMS key; kms:Decrypt is needed for a customer key.
      out.push({ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: arn });
    } else if (typeof ref.secretsManager === 'string') {
      const id = ref.secretsManager;
      // Secret ARNs end in a random 6-character suffix the playbook does not know.
      const arn = id.startsWith('arn:')
        ? id
        : `arn:${partition}:secretsmanager:${region}:${account}:secret:${id}-??????`;
      out.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: arn });
    }
  }
  return out;
}

/** Merges statements with the same resources and conditions, and drops duplicates; the result is sorted. */
export function mergeStatements(statements: IamStatement[]): IamStatement[] {
  const merged = new Map<string, IamStatement>();
  for (const s of statements) {
    const resources = Array.isArray(s.Resource) ? [...s.Resource].sort() : [s.Resource];
    const key = JSON.stringify([resources, s.Condition ?? null]);
    const existing = merged.get(key);
    if (existing) existing.Action = [...new Set([...existing.Action, ...s.Action])].sort();
    else
      merged.set(key, {
        Effect: 'Allow',
        Action: [...new Set(s.Action)].sort(),
        Resource: resources.length === 1 ? resources[0]! : resources,
        ...(s.Condition && { Condition: s.Condition }),
      });
  }
  return [...merged.values()].sort((a, b) => a.Action.join().localeCompare(b.Action.join()));
}

// Every object with a string `action` is an action step, wherever the playbook's form nests it
// (checks, parallel groups, remediate, notify, steps).
function actionSteps(node: unknown, found: PlaybookActionStep[] = []): PlaybookActionStep[] {
  if (Array.isArray(node)) for (const item of node) actionSteps(item, found);
  else if (isObject(node)) {
    if (typeof node.action === 'string')
      found.push({
        ...(typeof node.id === 'string' && { id: node.id }),
        action: node.action,
        with: node.with,
      });
    for (const [key, value] of Object.entries(node)) if (key !== 'with') actionSteps(value, found);
  }
  return found;
}

// `{{ }}` becomes `*`, the widest resource; a whole list given as one template (`instanceIds:
// "{{ inputs.ids }}"`) becomes `["*"]`, as the action's input schema expects a list there.
function wildcardTemplates(value: unknown, schema: unknown): unknown {
  const shape = isObject(schema) ? schema : {};
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const wild = value.replace(/\{\{[\s\S]*?\}\}/g, '*');
    return shape.type === 'array' && value.trim().startsWith('{{') && value.trim().endsWith('}}')
      ? [wild]
      : wild;
  }
  if (Array.isArray(value)) return value.map((item) => wildcardTemplates(item, shape.items));
  if (isObject(value)) {
    const properties = isObject(shape.properties) ? shape.properties : {};
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        wildcardTemplates(v, properties[k] ?? shape.additionalProperties),
      ]),
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
