import validator from 'asl-validator';
import { loadPlaybook } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { exportAsl } from '../src/index.js';
import { EXAMPLES, exampleNames, installedActions } from './examples.js';

const actions = installedActions();

describe('every example playbook exports to a valid state machine', () => {
  it.each(exampleNames())('%s', async (name) => {
    const playbook = await loadPlaybook(`${EXAMPLES}${name}.yaml`);
    for (const nativeTasks of [true, false]) {
      const { definition, runnerSteps } = exportAsl(playbook, { actions, nativeTasks });
      // The validator writes defaults into what it is given: it gets a copy.
      const result = validator(structuredClone(definition), { checkArn: false, checkPaths: true });
      expect(result.errors, result.errorsText('\n')).toEqual([]);
      expect(result.isValid).toBe(true);
      expect(definition.QueryLanguage).toBe('JSONata');
      expect(runnerSteps.length).toBeGreaterThan(0);
    }
  });
});
