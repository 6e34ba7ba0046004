import type { ActionRegistry, AnyActionDefinition } from '../actions/registry.js';
import { toActionRegistry } from '../actions/registry.js';
import { isLoadedPlaybook, playbookFromData, tryLoadPlaybook } from '../load/loadPlaybook.js';
import type { LoadedPlaybook, LoadOptions, PlaybookSource } from '../load/loadPlaybook.js';
import { checkActions } from './actionCheck.js';
import { IssueCollector } from './context.js';
import { checkExpressions } from './expressionCheck.js';
import { checkGraph } from './graphCheck.js';
import { sortIssues } from './issues.js';
import type { Issue, ValidationResult } from './issues.js';
import { readModel } from './model.js';
import { checkOnError } from './onErrorCheck.js';
import { checkSafety } from './safetyCheck.js';
import { checkSchema } from './schemaCheck.js';
import { checkInlineSecrets } from './secretCheck.js';
import { checkSettings } from './settingsCheck.js';

/** Options for {@link validatePlaybook}. */
export interface ValidateOptions {
  /**
   * The actions the playbook may name. A list gets the `core.*` built-ins added; when absent,
   * only the built-ins are known, so every other `action:` is reported as unknown.
   */
  actions?: ActionRegistry | Iterable<AnyActionDefinition>;
}

/**
 * Checks a playbook and returns every issue at once, each with a stable code, a plain sentence
 * and its line and column: the schema first, then what the schema cannot say (references,
 * reachability, bounded loops, registered actions and their inputs, expressions, timeouts,
 * credentials written inline). Never throws for bad content.
 *
 * @example
 * const result = validatePlaybook(await loadPlaybook('ec2.yaml'), { actions });
 * for (const issue of result.issues) console.log(formatIssue(issue, 'ec2.yaml'));
 */
export function validatePlaybook(
  playbook: LoadedPlaybook | object,
  options: ValidateOptions = {},
): ValidationResult {
  const loaded = isLoadedPlaybook(playbook) ? playbook : playbookFromData(playbook);
  const registry = toActionRegistry(options.actions);
  const issues = new IssueCollector(loaded);
  checkSchema(loaded.data, issues);
  // The checks below read the data tolerantly, so they still run when the schema found problems:
  // the author sees every issue in one pass, not one layer at a time.
  const model = readModel(loaded.data);
  checkSettings(model, issues);
  checkOnError(model, issues);
  checkGraph(model, issues);
  checkActions(model, registry, issues);
  checkExpressions(model, registry, issues);
  checkSafety(model, registry, issues);
  checkInlineSecrets(model.root, issues);
  const sorted = sortIssues(issues.issues);
  return { ok: !sorted.some((i) => i.severity === 'error'), issues: sorted };
}

/** What {@link checkPlaybook} returns: the issues, and the playbook when it could be loaded. */
export interface CheckResult extends ValidationResult {
  /** The loaded playbook, present whenever the YAML itself could be read. */
  playbook?: LoadedPlaybook;
}

/**
 * Loads and validates a playbook file or text in one call, for editors and `firstline validate`:
 * load problems and validation problems come back the same way, as issues.
 */
export async function checkPlaybook(
  source: PlaybookSource,
  options: ValidateOptions & LoadOptions = {},
): Promise<CheckResult> {
  const loaded = await tryLoadPlaybook(source, options);
  if (!loaded.ok) return { ok: false, issues: loaded.issues };
  const result = validatePlaybook(loaded.playbook, options);
  return { ...result, playbook: loaded.playbook };
}

export type { Issue };
