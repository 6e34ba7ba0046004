import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { awsActions, mergeStatements, playbookPermissions } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { compilePlaybook, FirstlineError, parsePlaybook, prepareInputs } from '@firstline/core';
import type { AnyActionDefinition, IamStatement, Playbook } from '@firstline/core';
import { notifiers } from '@firstline/notifiers';
import { bindInputs } from './bindInputs.js';
import type { ResponderPlaybook } from './types.js';

/** A playbook checked at synth: where it is, what the handler calls it, and the IAM statements it needs. */
export interface CheckedPlaybook {
  /** The name the handler knows it by; its file is bundled as `playbooks/<name>.yaml`. */
  name: string;
  /** Its YAML file, absolute. */
  file: string;
  /** The routes' alarm-name globs. */
  alarms: string[];
  /** The routes' namespace glob, if any. */
  namespace?: string;
  /** The routes' metric-name glob, if any. */
  metric?: string;
  /** The inputs the deployment fixed. */
  inputs: Record<string, string>;
  /** `playbookPermissions` of the playbook with those inputs bound. */
  statements: IamStatement[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Loads, validates and compiles every playbook with every action the bundled handler installs, checks
 * the fixed inputs against each one's `inputs:`, and computes its IAM statements with the shared
 * `playbookPermissions` (the same computation as `firstline permissions`), fixed inputs bound first.
 * A bad playbook throws its `PlaybookInvalid` (`file:line:col CODE message`), a bad prop E_DEPLOY_CONFIG.
 */
export function checkPlaybooks(
  playbooks: readonly ResponderPlaybook[],
  scope: { region: string; accountId: string },
): CheckedPlaybook[] {
  if (playbooks.length === 0) throw deployError('playbooks is empty: give at least one playbook file');
  const aws = awsActions(scope);
  const actions = [...aws, ...netActions(), ...notifiers()];
  const names = new Set<string>();
  return playbooks.map((given, i) => {
    const file = resolve(given.file);
    const name = given.name ?? basename(file, extname(file));
    if (!NAME.test(name))
      throw deployError(
        `playbooks[${i}]: name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (at most 64)`,
      );
    if (names.has(name)) throw deployError(`playbooks[${i}]: two playbooks are named ${name}`);
    names.add(name);
    const alarms = given.alarms ?? [];
    for (const alarm of alarms)
      if (alarm === '' || alarm.length > 255)
        throw deployError(`playbooks[${i}] (${name}): alarm pattern must be 1 to 255 characters`);

    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (error) {
      throw new FirstlineError(
        'E_READ',
        `playbooks[${i}]: cannot read ${file}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const loaded = parsePlaybook(text, { file });
    compilePlaybook(loaded, { actions });
    const document = loaded.data as Playbook;
    const inputs = given.inputs ?? {};
    const declared = Object.keys(document.inputs ?? {});
    const unknown = Object.keys(inputs).filter((key) => !declared.includes(key));
    if (unknown.length)
      throw deployError(
        `playbooks[${i}] (${name}): inputs ${unknown.join(', ')} are not declared by ${file} (it declares: ${declared.join(', ') || 'none'})`,
      );
    // Type-checks the fixed values (an instance id's pattern…); required inputs may come from the alarm.
    const fixedSpecs = Object.fromEntries(
      Object.entries(document.inputs ?? {}).filter(([key]) => Object.hasOwn(inputs, key)),
    );
    prepareInputs({ name: document.name, inputs: fixedSpecs }, inputs);
    const statements = playbookPermissions(aws, bindInputs(document, inputs), scope);
    return {
      name,
      file,
      alarms,
      ...(given.namespace !== undefined && { namespace: given.namespace }),
      ...(given.metric !== undefined && { metric: given.metric }),
      inputs,
      statements,
    };
  });
}

/** Every action the bundled handler and action runner install (AWS with this scope, network, notifiers). */
export function responderActions(scope: { region: string; accountId: string }): AnyActionDefinition[] {
  return [...awsActions(scope), ...netActions(), ...notifiers()];
}

/** Every playbook's statements, merged as `playbookPermissions` merges one playbook's. */
export function responderStatements(playbooks: readonly CheckedPlaybook[]): IamStatement[] {
  return mergeStatements(playbooks.flatMap((p) => p.statements.map((s) => structuredClone(s))));
}

/** An E_DEPLOY_CONFIG error: a construct prop that cannot be deployed. */
export function deployError(message: string): FirstlineError {
  return new FirstlineError('E_DEPLOY_CONFIG', `FirstlineResponder: ${message}`);
}
