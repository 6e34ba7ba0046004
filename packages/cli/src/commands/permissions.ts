import type { AnyActionDefinition, IamStatement } from '@firstline/core';
import { EXIT, UsageError } from '../context.js';
import type { CliContext } from '../context.js';
import { paletteFor } from '../io.js';
import { openPlaybook } from '../openPlaybook.js';

/** Options of `firstline permissions`. */
export interface PermissionsFlags {
  /** Only the read-only set shadow mode needs: probes, plans' reads, secrets. */
  shadow?: boolean;
  /** The account id written into ARNs (default `*`). */
  account?: string;
  /** The region written into ARNs (default AWS_REGION, then `*`); a step's own `region:` wins. */
  region?: string;
}

/** An IAM identity policy document, as `aws iam create-policy --policy-document` takes it. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;

/**
 * `firstline permissions <playbook>`: the least-privilege IAM policy the playbook's role needs, as
 * JSON on stdout: every AWS action it calls (with the reads their `plan()` makes) scoped to the
 * resources its inputs name, a templated input widened to every resource of that type, plus its
 * `ssm:`/`secretsManager:` secrets. `--shadow`: only what a shadow run needs. Steps that need no IAM
 * (HTTP, SSH, Slack…) and what `--shadow` leaves out are said on stderr. Invalid playbook: exit 2.
 */
export async function permissionsCommand(
  path: string,
  flags: PermissionsFlags,
  ctx: CliContext,
): Promise<number> {
  if (flags.account !== undefined && !ACCOUNT.test(flags.account))
    throw new UsageError(`--account "${flags.account}" is not a 12-digit AWS account id`);
  if (flags.region !== undefined && !REGION.test(flags.region))
    throw new UsageError(`--region "${flags.region}" is not an AWS region code`, 'e.g. --region eu-west-1');
  const { loaded, shown } = await openPlaybook(path, ctx);
  const region = flags.region ?? (ctx.io.env.AWS_REGION || ctx.io.env.AWS_DEFAULT_REGION || undefined);
  const { aws } = await import('../actionPackages.js');
  const actions = await scopedActions(ctx.actions, region, flags.account);
  const byId = new Map(actions.map((a) => [a.id, a]));
  const scope = { ...(region && { region }), ...(flags.account && { accountId: flags.account }) };
  const options = { shadow: flags.shadow === true };
  const policy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: aws.playbookPermissions(actions, loaded, scope, options),
  };
  ctx.io.out(`${JSON.stringify(policy, null, 2)}\n`);

  const palette = paletteFor(ctx.io);
  const noIam = new Set<string>();
  const leftOut = new Set<string>();
  for (const step of aws.playbookActionSteps(loaded)) {
    const definition = byId.get(step.action);
    if (!definition) continue;
    const name = step.id ? `${step.id} (${step.action})` : step.action;
    if (aws.stepPermissions(definition, step.with).length === 0) noIam.add(name);
    else if (options.shadow && definition.kind !== 'probe') {
      const granted = new Set(aws.stepPermissions(definition, step.with, options).flatMap((s) => s.Action));
      const missing = aws
        .stepPermissions(definition, step.with)
        .flatMap((s) => s.Action)
        .filter((a) => !granted.has(a));
      leftOut.add(`${name}: ${[...new Set(missing)].join(', ')}`);
    }
  }
  const where = [
    `region ${region ?? '*'}${flags.region ? '' : region ? ' (from AWS_REGION; --region to change)' : ' (--region to scope)'}`,
    `account ${flags.account ?? '* (--account to scope)'}`,
  ].join(', ');
  ctx.io.err(palette.dim(`${shown}: ${policy.Statement.length} statements; ARNs for ${where}\n`));
  if (noIam.size > 0) ctx.io.err(`needs no IAM: ${[...noIam].join(', ')}\n`);
  if (policy.Statement.length === 0)
    ctx.io.err('the playbook needs no IAM permission at all (IAM takes no empty policy: attach none)\n');
  if (leftOut.size > 0)
    ctx.io.err(
      `--shadow leaves out what changes something (shadow mode only plans it; a DryRun preflight then reports "denied"):\n${[...leftOut].map((l) => `  ${l}\n`).join('')}`,
    );
  return EXIT.ok;
}

/**
 * The actions with the AWS ones rebuilt for the policy's region and account (and the environment's
 * credentials or endpoints kept out): only ids the context already has are replaced.
 */
async function scopedActions(
  actions: readonly AnyActionDefinition[],
  region: string | undefined,
  accountId: string | undefined,
): Promise<AnyActionDefinition[]> {
  const { awsActions } = (await import('../actionPackages.js')).aws;
  const rebuilt = new Map(
    awsActions({ env: {}, ...(region && { region }), ...(accountId && { accountId }) }).map((a) => [a.id, a]),
  );
  return actions.map((a) => rebuilt.get(a.id) ?? a);
}
