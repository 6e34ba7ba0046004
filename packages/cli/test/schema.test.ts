import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editorSchema, EDITOR_SCHEMA_ID, installedActions, runCli, createCapturingIo } from '@firstline/cli';
import type { AnyActionDefinition } from '@firstline/core';
import { cli } from './support.js';

// `firstline schema` folds every installed action's input schema into the playbook schema, so an
// editor (yaml-language-server) completes `with:` and flags a misspelt input. Checked here with ajv,
// a validator independent of core's own checks.

const EXAMPLES = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../schema.json', import.meta.url));

let actions: AnyActionDefinition[];
let validate: ValidateFunction;
beforeAll(async () => {
  actions = (await installedActions({})).actions;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  validate = ajv.compile(editorSchema(actions));
});

const playbook = (reboot: Record<string, unknown>) => ({
  firstline: 1,
  name: 'reboot-one',
  inputs: { instanceId: { type: 'string' } },
  checks: [{ id: 'status', action: 'aws.ec2.status', with: { instanceId: '{{ inputs.instanceId }}' } }],
  remediate: [{ id: 'reboot', action: 'aws.ec2.reboot', with: reboot }],
  recheck: { rounds: 1, after: '1m' },
});

describe('the editor schema (installed actions folded in), validated with ajv', () => {
  it('rejects a misspelt input of aws.ec2.reboot and accepts the right one', () => {
    expect(validate(playbook({ instanceIdz: ['i-0abc1234def567890'] }))).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ additionalProperty: 'instanceIdz' });
    expect(
      validate(playbook({ instanceIds: ['i-0abc1234def567890'] })),
      JSON.stringify(validate.errors),
    ).toBe(true);
  });

  it('accepts a {{ }} string where the action wants a list, a pattern or a boolean; not a wrong literal', () => {
    expect(validate(playbook({ instanceIds: '{{ inputs.instanceIds }}' }))).toBe(true);
    expect(validate(playbook({ instanceIds: ['{{ inputs.instanceId }}'] }))).toBe(true);
    expect(validate(playbook({ instanceIds: ['not-an-instance'] }))).toBe(false);
    expect(validate(playbook({ instanceIds: 42 }))).toBe(false);
    const stop = playbook({});
    stop.remediate = [
      { id: 'stop', action: 'aws.ec2.stop', with: { instanceIds: ['i-0abc1234'], force: 'yes' } },
    ];
    expect(validate(stop)).toBe(false);
    stop.remediate[0]!.with.force = '{{ inputs.force }}';
    expect(validate(stop)).toBe(true);
  });

  it('a missing required input is flagged; notify steps are checked too', () => {
    expect(validate(playbook({ region: 'us-east-1' }))).toBe(false);
    const notified = {
      ...playbook({ instanceIds: ['i-0abc1234'] }),
      notify: { recovered: [{ action: 'slack.post', with: { channel: '#ops', txet: 'hi' } }] },
    };
    expect(validate(notified)).toBe(false);
  });

  it('offers every installed id for action:, and still accepts a custom well-formed one', () => {
    const schema = editorSchema(actions) as {
      $id: string;
      $defs: Record<string, { anyOf: Array<{ enum?: string[] }> }>;
    };
    expect(schema.$id).toBe(EDITOR_SCHEMA_ID);
    const ids = schema.$defs.actionId!.anyOf[0]!.enum!;
    expect(ids).toEqual(expect.arrayContaining(['aws.ec2.reboot', 'http.check', 'slack.post', 'core.log']));
    const custom = playbook({ instanceIds: ['i-0abc1234'] });
    custom.checks = [{ id: 'mine', action: 'acme.thing.check', with: { anything: 1 } as never }];
    expect(validate(custom)).toBe(true);
    custom.checks[0]!.action = 'Not An Id';
    expect(validate(custom)).toBe(false);
  });

  it('carries the descriptions through for hover', () => {
    const text = JSON.stringify(editorSchema(actions));
    expect(text).toContain('Skip the clean OS shutdown (a hung instance).');
    expect(text).toContain('aws.ec2.reboot (remediation): Reboots EC2 instances');
  });

  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && !f.includes('.scenarios.')))(
    'accepts the example %s',
    (file) => {
      const data: unknown = parse(readFileSync(`${EXAMPLES}${file}`, 'utf8'));
      expect(validate(data), JSON.stringify(validate.errors, null, 1)).toBe(true);
    },
  );

  it('the shipped packages/cli/schema.json is what the installed actions generate (rebuild to refresh)', () => {
    const shipped: unknown = JSON.parse(readFileSync(SHIPPED, 'utf8'));
    expect(shipped).toEqual(editorSchema(actions));
  });
});

describe('firstline schema', () => {
  it('prints the schema with the installed actions; --generic the bare core schema', async () => {
    const io = createCapturingIo();
    expect(await runCli(['schema'], { io })).toBe(0);
    const printed = JSON.parse(io.stdout()) as { $id: string };
    expect(printed).toEqual(editorSchema(actions));
    const generic = await cli(['schema', '--generic']);
    expect(generic.code).toBe(0);
    const bare = JSON.parse(generic.stdout) as { $id: string; $defs: Record<string, unknown> };
    expect(bare.$id).toBe('https://firstline.dev/schema/playbook-v1.json');
    expect(bare.$defs.actionInputs).toBeUndefined();
  });

  it('with injected actions: those (and core built-ins), nothing else', async () => {
    const { code, stdout } = await cli(['schema']);
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { $defs: { actionId: { anyOf: Array<{ enum?: string[] }> } } }).$defs
      .actionId.anyOf[0]!.enum;
    expect(ids).toEqual(['core.fail', 'core.log', 'test.chat.post', 'test.host.restart', 'test.web.check']);
  });
});
